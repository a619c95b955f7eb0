/**
 * The set-up many use-case tests share: a fresh in-memory PGlite store with one org.
 *
 *   beforeAll(async () => ({ opened, org } = await openPgliteOrg()));
 *   afterAll(() => closeOpened(opened));
 */
import type { OrgStore } from '../core/ports/index.js';
import { openPgliteStore } from '../store/index.js';
import type { OpenedStore } from '../store/store.js';

export async function openPgliteOrg(orgId = 'o1', name = 'One'): Promise<{ opened: OpenedStore; org: OrgStore }> {
  const opened = await openPgliteStore();
  await opened.store.createOrg({ id: orgId, name });
  return { opened, org: opened.store.forOrg(orgId) };
}

/** Closes what `openPgliteOrg` opened (nothing when its beforeAll failed). */
export async function closeOpened(opened: OpenedStore | undefined): Promise<void> {
  await opened?.store.close();
  await opened?.admin.close();
}
