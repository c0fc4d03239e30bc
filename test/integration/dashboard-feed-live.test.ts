/**
 * @own-dynamodb-local it writes thousands of items (support/integration-environment.ts says why)
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { LocalUserStore } from '../../local/identity/local-users';
import { type CrmRuntime, SITE, startCrmRuntime, until } from './support/crm-runtime';
import { addPerson, axeViolations, eventually, type Person, signedIn } from './support/dashboard-people';
import { CHROMIUM, DESKTOP_CHROME } from './support/dashboard-runtime';
import { addressOf } from './support/ip-addresses';

/**
 * Tags, assignment and the feed's count of new leads, in headless Chromium against the local runtime: a sales
 * person tags a lead and assigns it to themselves (stored with the lead's expiry, bounded in size), the feed shows
 * and filters by the tag, a viewer only reads it; the count polled every 30 s answers 304 while nothing changed and
 * a new count once a page view arrived (the page's clock is moved on, not waited for).
 */
jest.setTimeout(120_000);

let crm: CrmRuntime;
let browser: Browser;
let usersDir: string;
let sales: Person;
let viewer: Person;
let tagged: { leadId: string };
const leadCount = async () => ((await crm.api('GET', `/v1/sites/${SITE}/leads?limit=100`)).body?.items as unknown[]).length;
const rows = (page: Page) => page.locator('table.leads tbody tr');

/** A page view from an organisation's network, as the snippet sends it; waits until its lead is listed. */
async function visitFrom(organisation: string, expectedLeads: number): Promise<void> {
  const response = await fetch(`${crm.runtime.url}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: 'http://localhost:8080', 'user-agent': DESKTOP_CHROME, 'x-forwarded-for': addressOf(organisation).ip },
    body: JSON.stringify({ siteId: SITE, events: [{ id: randomUUID(), type: 'pageview', url: 'http://localhost:8080/pricing', title: 'Pricing' }] }),
  });
  expect(response.status).toBe(202);
  await until(`the lead of ${organisation}`, async () => ((await leadCount()) >= expectedLeads ? true : undefined), 60_000);
}

/** The rows show before their tags arrive: the feed has loaded when it shows `count` rows and no longer says loading. */
async function waitForRows(page: Page, count: number): Promise<void> {
  const loading = async () => ((await page.locator('.feed-bar [role=status]').textContent()) ?? '').startsWith('Loading');
  await eventually(`${count} rows`, async () => (await rows(page).count()) === count && !(await loading()));
}

beforeAll(async () => {
  usersDir = mkdtempSync(join(tmpdir(), 'eirlead-people-'));
  const usersFile = join(usersDir, 'users.json');
  crm = await startCrmRuntime({}, { usersFile });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
  const store = new LocalUserStore(usersFile);
  sales = addPerson(store, 'sa@example.com', 'sales');
  viewer = addPerson(store, 'vi@example.com', 'viewer');
  tagged = await crm.visitAndWait(['/pricing']);
  await visitFrom('Siemens', 2);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await crm?.stop();
  rmSync(usersDir, { recursive: true, force: true });
}, 30_000);

describe('tags and assignment', () => {
  it('a sales person tags a lead and assigns it to themselves; stored with the lead’s expiry; the feed shows and filters by the tag', async () => {
    const { context, page } = await signedIn(browser, crm.runtime.url, sales);
    await page.goto(`${crm.runtime.url}/#/company/${tagged.leadId}`);
    await page.fill('#tags', 'Hot, Q3-target');
    await page.check('#assigned');
    await page.click('button:has-text("Save tags")');
    await page.waitForSelector('[role=status]:has-text("Tags and assignment saved.")');
    expect(await axeViolations(page)).toEqual([]);

    const { body: notes } = await crm.api('GET', `/v1/sites/${SITE}/annotations?leadIds=${tagged.leadId}`);
    const { body: lead } = await crm.api('GET', `/v1/sites/${SITE}/leads/${tagged.leadId}`);
    expect(notes?.items).toEqual([expect.objectContaining({ leadId: tagged.leadId, tags: ['hot', 'q3-target'], assignee: `user:${sales.userId}` })]);
    // Tags and assignment go with the lead: they expire with it (within the minute between the two writes).
    expect(Math.abs(Date.parse(notes?.items[0].expiresAt) - Date.parse(lead?.expiresAt))).toBeLessThan(60_000);

    await page.goto(`${crm.runtime.url}/#/feed`);
    await waitForRows(page, 2);
    expect(await page.locator(`tr:has(a[href="#/company/${tagged.leadId}"]) .tag`).allTextContents()).toEqual(['hot', 'q3-target']);
    await page.fill('#filter-tag', 'Q3-target');
    await page.click('button:has-text("Apply filters")');
    await waitForRows(page, 1);
    expect(await page.locator(`a[href="#/company/${tagged.leadId}"]`).count()).toBe(1);
    await page.fill('#filter-tag', 'nobody-uses-this');
    await page.click('button:has-text("Apply filters")');
    await waitForRows(page, 0);
    await context.close();
  });

  it('bounds tags in number and length (a 400 naming the field, nothing written) and unassigns', async () => {
    const { context, page } = await signedIn(browser, crm.runtime.url, sales);
    const url = `${crm.runtime.url}/v1/sites/${SITE}/leads/${tagged.leadId}/annotation`;
    const headers = { origin: crm.runtime.url, 'content-type': 'application/json' };
    for (const tags of [Array.from({ length: 11 }, (_, index) => `t${index}`), ['x'.repeat(33)], ['<b>']]) {
      const answer = await page.request.post(url, { headers, data: { tags, assignedToMe: false } });
      expect(answer.status()).toBe(400);
      expect(((await answer.json()) as { error: { issues: Array<{ path: string }> } }).error.issues[0]?.path).toMatch(/^tags/);
    }
    const { body: unchanged } = await crm.api('GET', `/v1/sites/${SITE}/annotations?leadIds=${tagged.leadId}`);
    expect(unchanged?.items[0]).toMatchObject({ tags: ['hot', 'q3-target'], assignee: `user:${sales.userId}` });

    await page.goto(`${crm.runtime.url}/#/company/${tagged.leadId}`);
    await page.waitForSelector('#assigned:checked');
    await page.uncheck('#assigned');
    await page.click('button:has-text("Save tags")');
    await page.waitForSelector('[role=status]:has-text("Tags and assignment saved.")');
    const { body: after } = await crm.api('GET', `/v1/sites/${SITE}/annotations?leadIds=${tagged.leadId}`);
    expect(after?.items[0].assignee).toBeUndefined();
    await context.close();
  });

  it('a viewer reads the tags and may not change them', async () => {
    const { context, page } = await signedIn(browser, crm.runtime.url, viewer);
    await page.goto(`${crm.runtime.url}/#/company/${tagged.leadId}`);
    await page.waitForSelector('text=Tags: hot, q3-target');
    expect(await page.locator('#tags').count()).toBe(0);
    const answer = await page.request.post(`${crm.runtime.url}/v1/sites/${SITE}/leads/${tagged.leadId}/annotation`, {
      headers: { origin: crm.runtime.url, 'content-type': 'application/json' },
      data: { tags: [], assignedToMe: true },
    });
    expect(answer.status()).toBe(403);
    await context.close();
  });
});

describe('the count of new leads', () => {
  it('answers 304 while nothing changed, and a new answer once a page view arrived', async () => {
    const { context, page } = await signedIn(browser, crm.runtime.url, viewer);
    const since = new Date().toISOString();
    const poll = (etag?: string) => page.request.get(`${crm.runtime.url}/v1/sites/${SITE}/leads?since=${encodeURIComponent(since)}&limit=100`, { headers: etag ? { 'if-none-match': etag } : {} });
    const first = await poll();
    expect(first.status()).toBe(200);
    const etag = first.headers().etag ?? '';
    expect(etag).toMatch(/^"/);
    expect(((await first.json()) as { items: unknown[] }).items).toHaveLength(0);
    const unchanged = await poll(etag);
    expect([unchanged.status(), await unchanged.text()]).toEqual([304, '']);

    await visitFrom('BASF', 3);
    const changed = await poll(etag);
    expect(changed.status()).toBe(200);
    expect(changed.headers().etag).not.toBe(etag);
    expect(((await changed.json()) as { items: Array<{ organisation: { name: string } }> }).items).toHaveLength(1);
    await context.close();
  });

  it('the feed polls every 30 s and offers the new leads once one arrived', async () => {
    // Playwright's clock drives the page's timers by evaluating script in it, which the CSP (no 'unsafe-eval')
    // refuses: this one context bypasses the CSP; every other test keeps it.
    const { context, page } = await signedIn(browser, crm.runtime.url, viewer, { bypassCSP: true });
    await page.clock.install();
    await page.reload();
    await waitForRows(page, 3);
    // From here on the page asks only the count's question (`since` the load), with the ETag of its last answer.
    const polls: Array<{ status: number; etag: boolean }> = [];
    page.on('response', (response) => {
      if (response.url().includes('/leads?')) polls.push({ status: response.status(), etag: response.request().headers()['if-none-match'] !== undefined });
    });
    await page.clock.runFor(30_500);
    await eventually('the first poll', async () => polls.length >= 1);
    await page.clock.runFor(30_500);
    await eventually('the second poll', async () => polls.length >= 2);
    expect(polls).toEqual([{ status: 200, etag: false }, { status: 304, etag: true }]);
    expect(await page.locator('button:has-text("new since")').count()).toBe(0);

    await visitFrom('Bayer', 4);
    await page.clock.runFor(30_500);
    const offer = await page.waitForSelector('button:has-text("1 new since")');
    expect(polls[2]).toEqual({ status: 200, etag: true });
    await offer.click();
    await waitForRows(page, 4);
    await context.close();
  });
});
