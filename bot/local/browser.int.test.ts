/**
 * The local web war room in a real browser: Debian's Chromium driven by playwright-core (never a
 * downloaded browser), against Warroom started in-process on in-memory PGlite with the sandbox
 * shop streaming on a fast manual clock. A newcomer signs in, injects a fault, watches the war
 * room open and the hypotheses and plan cards arrive; a second person (an sre with their own key)
 * approves the plan in another browser (the requester's own approval was refused: four-eyes in
 * prod); both pages see the plan card update and the outcome; a second plan is rejected with a reason.
 * Screenshots go to test-output/browser/ (gitignored); their paths are printed.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbedded, type Embedded } from '../../app/embedded.js';
import { ManualClock } from '../../core/clock.js';
import { httpIngest } from '../../sim/edge/ingest.js';
import { startSandbox, type RunningSandbox } from '../../sim/edge/realtime.js';

const CHROMIUM = '/usr/bin/chromium';
const OUT = resolve('test-output/browser');
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const STEP = 10_000;

let e: Embedded;
let sb: RunningSandbox;
let clock: ManualClock;
const contexts: BrowserContext[] = [];
const dirs: string[] = [];
const shots: string[] = [];
const pageErrors: string[] = [];

/** Steps the sandbox world (and Warroom's clock) one 10-second tick. */
async function tick(n = 1): Promise<void> {
  for (let i = 0; i < n; i++) {
    clock.advance(STEP);
    await sb.tick();
  }
}

async function browserAs(): Promise<Page> {
  const dir = mkdtempSync(join(tmpdir(), 'warroom-chromium-'));
  dirs.push(dir);
  const ctx = await chromium.launchPersistentContext(dir, { executablePath: CHROMIUM, args: ARGS, viewport: { width: 1440, height: 900 } });
  contexts.push(ctx);
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  page.on('pageerror', (err) => pageErrors.push(err.message));
  return page;
}

async function shot(page: Page, name: string): Promise<void> {
  const path = join(OUT, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  shots.push(path);
}

async function signIn(page: Page, key: string): Promise<void> {
  await page.goto(`${e.w.url}/`);
  await page.locator('#key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('#app').waitFor({ state: 'visible' });
}

const hasChromium = existsSync(CHROMIUM);

describe.skipIf(!hasChromium)('the local web war room in Chromium', () => {
  beforeAll(async () => {
    mkdirSync(OUT, { recursive: true });
    clock = new ManualClock(Date.now() - 40 * 60_000);
    e = await startEmbedded('pglite', {}, undefined, { clock });
    const client = httpIngest(e.w.url, e.apiKey);
    sb = await startSandbox({ clock, tickMs: 0, seed: 7, logLinesPerTick: 60, ingest: (s, k) => client.post(s, k), putTopology: (t) => client.putTopology(t) });
    e.w.attachSandbox(sb);
    // 15 minutes of calm traffic: the detectors' baselines warm up
    await tick(90);
  }, 180_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
    await sb?.stop();
    await e?.stop();
    if (shots.length) process.stdout.write(`browser screenshots:\n${shots.map((s) => `  ${s}`).join('\n')}\n`);
  });

  it('a newcomer watches the room open and the cards arrive; an sre approves in another browser', async () => {
    // The second person: an sre (POST /v1/users) with a key of their own.
    const user = await e.client().post('/v1/users', { id: 'sam', name: 'Sam SRE', email: 'sam@example.com', role: 'sre' });
    expect(user.status).toBe(201);
    const sre = await e.client().post('/v1/api-keys', { name: 'sam (browser test)', user: { id: 'sam', name: 'Sam SRE', email: 'sam@example.com', role: 'sre' }, scopes: ['read', 'plan', 'approve'] });
    expect(sre.status).toBe(201);

    const alice = await browserAs();
    await page0(alice);

    // Break the shop: a bad deploy of checkout.
    const fault = await e.client().post('/v1/sim/faults', { kind: 'bad_deploy_errors' });
    expect(fault.status).toBe(201);
    let incidentId: string | undefined;
    for (let i = 0; i < 60 && !incidentId; i++) {
      await tick(2);
      incidentId = ((await e.client().get('/v1/incidents')).body.incidents as { id: string }[])[0]?.id;
    }
    expect(incidentId, 'detection opened an incident').toBeTruthy();

    // The room opens by itself in the newcomer's page (no incident was selected), summary first.
    await alice.locator('#thread .wr-card-incident_summary').waitFor({ timeout: 20_000 });
    expect(await alice.locator('#room-title').textContent()).toMatch(/checkout/);
    await shot(alice, '02-room-opened');

    // Hypotheses: the war room posts them when an analysis lands; ask for one from the chat box.
    await alice.locator('#chat-input').fill('analyze');
    await alice.locator('#chat-input').press('Enter');
    await alice.locator('#thread .wr-card-hypotheses').waitFor({ timeout: 60_000 });
    expect(await alice.locator('#thread .wr-card-hypotheses').textContent()).toMatch(/checkout/);

    // The plan: drafted from the chat box, posted by the war room with Approve / Reject.
    await alice.locator('#chat-input').fill('plan');
    await alice.locator('#chat-input').press('Enter');
    const planCard = alice.locator('#thread .wr-card-fix_plan');
    await planCard.waitFor({ timeout: 30_000 });
    await planCard.getByRole('button', { name: 'Approve' }).waitFor();
    await alice.locator('#timeline li.tl').first().waitFor({ timeout: 10_000 });
    await alice.locator('#chart svg polyline').waitFor({ timeout: 10_000 });
    await shot(alice, '03-hypotheses-and-plan');

    // The requester cannot approve their own prod plan: refused, and the card still waits.
    await planCard.getByRole('button', { name: 'Approve' }).click();
    await alice.locator('#confirm-yes').click();
    await alice.locator('#thread .msg-refused', { hasText: /Four-eyes/ }).waitFor({ timeout: 10_000 });
    expect(await alice.locator('#thread .wr-card-fix_plan button[data-action-id="fix.approve"]').count()).toBe(1);
    await shot(alice, '03b-requester-refused');

    // Sam, in another browser, opens the incident and approves.
    const sam = await browserAs();
    await signIn(sam, sre.body.key);
    expect(await sam.locator('#who-text').textContent()).toContain('sam');
    await sam.goto(`${e.w.url}/#incident=${incidentId}`);
    await sam.reload();
    const samPlan = sam.locator('#thread .wr-card-fix_plan');
    await samPlan.getByRole('button', { name: 'Approve' }).click();
    await sam.locator('#confirm[open]').waitFor();
    await shot(sam, '04-approve-confirm');
    await sam.locator('#confirm-yes').click();

    // The plan card updates in place (no buttons, its new status) and the outcome is posted.
    await sam.locator('#thread .wr-card-outcome').waitFor({ timeout: 30_000 });
    await expect.poll(async () => (await sam.locator('#thread .wr-card-fix_plan').textContent()) ?? '', { timeout: 15_000 }).toMatch(/dry[ _]run|executed/i);
    expect(await sam.locator('#thread .wr-card-fix_plan button[data-action-id="fix.approve"]').count()).toBe(0);
    expect(await sam.locator('#thread .wr-card-fix_plan').count()).toBe(1);
    await shot(sam, '05-approved-by-sre');

    // The newcomer's page followed live: same card updated, the outcome there too.
    await alice.locator('#thread .wr-card-outcome').waitFor({ timeout: 15_000 });
    expect(await alice.locator('#thread .wr-card-fix_plan button[data-action-id="fix.approve"]').count()).toBe(0);
    await shot(alice, '06-newcomer-sees-outcome');

    // A second plan, rejected: Reject asks for a reason, and the card records it.
    await alice.locator('#chat-input').fill('plan');
    await alice.locator('#chat-input').press('Enter');
    await expect.poll(async () => alice.locator('#thread .wr-card-fix_plan').count(), { timeout: 30_000 }).toBe(2);
    const second = alice.locator('#thread .wr-card-fix_plan').nth(1);
    await second.getByRole('button', { name: 'Reject' }).click();
    await alice.locator('#confirm[open]').waitFor();
    expect(await alice.locator('#confirm-reason').isVisible()).toBe(true);
    await alice.locator('#confirm-reason').fill('a rollback during the sale is riskier than the errors');
    await shot(alice, '07-reject-asks-for-a-reason');
    await alice.locator('#confirm-yes').click();
    await expect.poll(async () => (await alice.locator('#thread .wr-card-fix_plan').nth(1).textContent()) ?? '', { timeout: 15_000 }).toMatch(/Rejected by admin/);
    expect(await alice.locator('#thread .wr-card-fix_plan').nth(1).textContent()).toContain('riskier than the errors');
    await shot(alice, '08-rejected-with-reason');

    expect(pageErrors).toEqual([]);
  }, 300_000);

  /** The sign-in screen, then the newcomer signed in with the default org's key. */
  async function page0(page: Page): Promise<void> {
    await page.goto(`${e.w.url}/`);
    await page.locator('#signin').waitFor({ state: 'visible' });
    await page.locator('#key').fill('wr_wrong_key_000000000000');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(async () => page.locator('#signin-error').textContent()).toMatch(/not valid/);
    await shot(page, '01-sign-in');
    await signIn(page, e.apiKey);
    expect(await page.locator('#who-text').textContent()).toContain('admin');
  }
});

if (!hasChromium) process.stdout.write(`browser test skipped: ${CHROMIUM} is absent (apt-get install chromium; CI installs it)\n`);
