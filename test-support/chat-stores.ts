/**
 * The store-backed chat stores for the chat contracts (bot/chat/registry.contract.ts): two fresh
 * orgs on an opened store, the first seeded with the given users, each org's registry and
 * directory over its org store (usecases/chat.ts).
 */
import { randomUUID } from 'node:crypto';
import type { DirectoryFixture, DirectoryUser, RegistryFixture } from '../bot/chat/registry.contract.js';
import type { OpenedStore } from '../store/index.js';
import { directoryOf, roomRegistryOf } from '../usecases/chat.js';

export async function openChatStores(opened: OpenedStore, users: DirectoryUser[] = []): Promise<{ registries: RegistryFixture; directories: DirectoryFixture }> {
  const suffix = randomUUID().slice(0, 8);
  const [a, b] = [`chat_a_${suffix}`, `chat_b_${suffix}`];
  await opened.store.createOrg({ id: a, name: 'Chat A' });
  await opened.store.createOrg({ id: b, name: 'Chat B' });
  const A = opened.store.forOrg(a);
  const B = opened.store.forOrg(b);
  for (const u of users) await A.createUser(u);
  return {
    registries: { registry: roomRegistryOf(A), other: roomRegistryOf(B) },
    directories: { directory: directoryOf(A), other: directoryOf(B) },
  };
}
