/**
 * @own-dynamodb-local it writes thousands of items (support/integration-environment.ts says why)
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { type Browser, chromium, type Page } from 'playwright-core';
import { LocalUserStore } from '../../local/identity/local-users';
import { loadConfig } from '../../lib/config';
import { HubSpotFake } from '../../scripts/fakes/crm/hubspot-fake';
import { type AlertReceivers, startAlertReceivers } from './support/alert-receivers';
import { type CrmRuntime, personalDataIn, SITE, startCrmRuntime, until, VISITOR } from './support/crm-runtime';
import { addPerson, axeViolations, type Person, signedIn } from './support/dashboard-people';
import { CHROMIUM, repoRoot } from './support/dashboard-runtime';

/**
 * Issue 17's remaining pages in headless Chromium against the local runtime (the same handlers as on AWS), with the
 * HubSpot contract fake on 127.0.0.1: the record of processing and the overview for a viewer; the company page's CRM
 * status and link, and a sales person's dry-run preview and push; an admin's API keys, alert rules and CRM
 * connections, which viewer and sales neither see nor may call; tags and assignment; the feed's new-lead count with
 * ETag/If-None-Match; an admin's access request (GDPR Art. 15) filed on the privacy page. axe-core (WCAG 2.1 A and
 * AA) on every page visited.
 */
jest.setTimeout(120_000);

const SCREENSHOTS = join(repoRoot, 'test-output', 'dashboard');
const TOKEN = 'pat-eu1-0c5f3c1e-4b7a-4d61-9a1d-6f2e8b9c1a2b';
const SCOPES = ['crm.objects.companies.read', 'crm.objects.companies.write', 'crm.objects.deals.read', 'crm.schemas.companies.read', 'crm.objects.contacts.write'];
const config = loadConfig(new App({ context: (JSON.parse(readFileSync(join(repoRoot, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context }).node);

let hubspot: HubSpotFake;
let receivers: AlertReceivers;
let crm: CrmRuntime;
let browser: Browser;
let usersDir: string;
let people: Record<'viewer' | 'sales' | 'admin', Person>;
let lead: { leadId: string; organisation: { name: string } };
let customerId: string;
let connectionId: string;
const api = (method: string, path: string, body?: unknown) => crm.api(method, path, body);
const textOf = async (page: Page, selector: string) => (await page.locator(selector).first().textContent()) ?? '';

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  hubspot = new HubSpotFake();
  const hubspotUrl = await hubspot.start();
  hubspot.tokens.set(TOKEN, SCOPES);
  hubspot.createEirleadProperties();
  receivers = await startAlertReceivers();
  usersDir = mkdtempSync(join(tmpdir(), 'eirlead-people-'));
  const usersFile = join(usersDir, 'users.json');
  crm = await startCrmRuntime({ hubspot: hubspotUrl }, { alertsOutbound: { allowLoopback: true, trustedCertificates: [receivers.certificate] }, usersFile });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
  const store = new LocalUserStore(usersFile);
  people = { viewer: addPerson(store, 'vi@example.com', 'viewer'), sales: addPerson(store, 'sa@example.com', 'sales'), admin: addPerson(store, 'ad@example.com', 'admin') };

  lead = await crm.visitAndWait(['/pricing', '/features']);
  customerId = hubspot.addCompany({ name: lead.organisation.name, lifecyclestage: 'customer' }).id;
  hubspot.addCompany({ name: 'Other Ltd', domain: 'other.example', lifecyclestage: 'lead' });
  const created = await api('POST', `/v1/sites/${SITE}/crm/connections`, { provider: 'hubspot', credentials: { token: TOKEN }, settings: { fields: ['lastSeen', 'visits', 'pageviews', 'topPages'] } });
  expect(created.status).toBe(201);
  connectionId = String(created.body?.connectionId);
  await until('the lead matched to the CRM', async () => (await api('GET', `/v1/sites/${SITE}/leads/${lead.leadId}`)).body?.crm, 90_000);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await crm?.stop();
  await hubspot?.stop();
  await receivers?.close();
  rmSync(usersDir, { recursive: true, force: true });
}, 30_000);

describe('privacy and overview, as a viewer', () => {
  it('reads the record of processing and the privacy notice, generated from the configuration; axe finds nothing', async () => {
    const { context, page } = await signedIn(browser, crm.runtime.url, people.viewer);
    await page.goto(`${crm.runtime.url}/#/privacy`);
    await page.waitForSelector('a[href="privacy-record"]');
    expect(await textOf(page, 'main')).toContain('Data-subject requests need the admin role.');
    expect(await axeViolations(page)).toEqual([]);
    await page.click('a[href="privacy-record"]');
    await page.waitForURL(/\/privacy-record$/);
    expect(await textOf(page, 'h1')).toBe('Record of processing activities — Eirlead website visitor identification');
    const record = await textOf(page, 'main');
    expect(record).toContain(`${config.region} (Ireland) only`);
    expect(await textOf(page, 'tr:has(th:text-is("Full IP address"))')).toContain('never stored, never logged');
    expect(await textOf(page, 'tr:has(th:has-text("Visit: page paths"))')).toContain(`${config.retention.visitDays} days after each page view`);
    expect(await textOf(page, 'blockquote')).toContain(`Visits are deleted after ${config.retention.visitDays} days`);
    expect(await page.locator('table').count()).toBeGreaterThanOrEqual(2);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'privacy-record.png'), fullPage: true });
    await context.close();
    const anonymous = await fetch(`${crm.runtime.url}/privacy-record`, { redirect: 'manual' });
    expect([anonymous.status, anonymous.headers.get('location')]).toEqual([303, 'sign-in']);
  });

  it('sees the overview: organisations per day, top pages and countries from the leads; axe finds nothing', async () => {
    const { context, page } = await signedIn(browser, crm.runtime.url, people.viewer);
    await page.goto(`${crm.runtime.url}/#/overview`);
    await page.waitForSelector('.chart .uplot');
    expect(await textOf(page, '.lede')).toBe('1 organisations seen in the last 30 days.');
    expect(await textOf(page, 'section:has(#pages-title) tbody')).toMatch(/\/pricing\s*1/);
    const { body } = await api('GET', `/v1/sites/${SITE}/leads/${lead.leadId}`);
    expect(await textOf(page, 'section:has(#countries-title) tbody')).toContain(String(body?.location.country));
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });
});

describe('a data-subject request, as an admin', () => {
  /** A `datetime-local` value in this process's zone, which the browser (same machine) shares. */
  const localInput = (at: Date) => new Date(at.getTime() - at.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
  const accessForm = 'form.subject:has(#access-ip)';

  it('files an access request on the privacy page: a bad address is refused naming the field; the visitor\'s visits come back as a JSON download, audited', async () => {
    const { context, page } = await signedIn(browser, crm.runtime.url, people.admin);
    await page.goto(`${crm.runtime.url}/#/privacy`);
    await page.waitForSelector('#access-title');
    await page.fill('#access-from', localInput(new Date(Date.now() - 3_600_000)));
    await page.fill('#access-to', localInput(new Date(Date.now() + 120_000)));

    await page.fill('#access-ip', '203.0.113.999');
    await page.click(`${accessForm} button[type=submit]`);
    await page.waitForSelector(`${accessForm} .error`);
    expect(await textOf(page, `${accessForm} .error`)).toMatch(/^(body\.)?ip: must be an IPv4 or IPv6 address$/);

    await page.fill('#access-ip', VISITOR.ip);
    await page.fill('#access-ua', VISITOR.userAgent);
    const downloaded = page.waitForEvent('download');
    await page.click(`${accessForm} button[type=submit]`);
    const file = await downloaded;
    const answer = JSON.parse(readFileSync((await file.path()) ?? '', 'utf8')) as { leads: { leadId: string; visits: unknown[] }[]; matching: { network: string } };
    expect(answer.leads.map((found) => found.leadId)).toEqual([lead.leadId]);
    expect(answer.leads[0]?.visits.length).toBeGreaterThanOrEqual(1);
    // The answer names the truncated network it matched on, never the address itself.
    expect(JSON.stringify(answer)).not.toContain(VISITOR.ip);
    await page.waitForSelector(`${accessForm} [role=status]:has-text("Done")`);
    expect(await textOf(page, `${accessForm} [role=status]`)).toBe(`Done: 1 leads matched network ${answer.matching.network}; the full answer was downloaded as JSON.`);
    expect(await axeViolations(page)).toEqual([]);
    await context.close();

    const { body } = await api('GET', `/v1/sites/${SITE}/audit?limit=100`);
    const mine = (body?.items as { keyId: string; action: string }[]).filter((item) => item.keyId === `user:${people.admin.userId}`);
    expect(mine.map((item) => item.action)).toContain('access.request');
  });
});

describe('the company page and the CRM', () => {
  it('shows a viewer the CRM status and a link to the account, and no push', async () => {
    const { context, page } = await signedIn(browser, crm.runtime.url, people.viewer);
    await page.goto(`${crm.runtime.url}/#/company/${lead.leadId}`);
    await page.waitForSelector('.crm-status');
    expect(await textOf(page, '.crm-status')).toBe('Customer');
    const link = page.locator('#crm-title ~ dl a');
    expect(await link.getAttribute('href')).toBe(`https://app-eu1.hubspot.com/contacts/${hubspot.portalId}/record/0-2/${customerId}`);
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await page.locator('button:has-text("Preview push")').count()).toBe(0);
    await context.close();
  });

  it('lets a sales person preview exactly what a push sends (nothing sent), then push once; nothing about a person leaves', async () => {
    const { context, page } = await signedIn(browser, crm.runtime.url, people.sales);
    await page.goto(`${crm.runtime.url}/#/company/${lead.leadId}`);
    await page.click('button:has-text("Preview push to the CRM")');
    await page.waitForSelector('.planned li');
    const writes = () => hubspot.server.requests('POST', '/crm/objects/2026-03/companies/batch/update');
    expect(writes()).toHaveLength(0);
    const dry = await api('POST', `/v1/sites/${SITE}/crm/push`, { leadIds: [lead.leadId], dryRun: true });
    const planned = dry.body?.items[0].requests as Array<{ method: string; path: string; body?: unknown }>;
    expect(await page.locator('.planned > li').count()).toBe(planned.length);
    const preview = await textOf(page, '.planned');
    for (const request of planned) {
      expect(preview).toContain(`${request.method} ${request.path}`);
      if (request.body !== undefined) expect(preview).toContain(JSON.stringify(request.body, null, 2));
    }
    expect(personalDataIn(preview)).toEqual([]);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'company-crm-preview.png'), fullPage: true });

    await page.click('button:text-is("Push to the CRM")');
    await page.waitForSelector('.push-result:has-text("Pushed")');
    expect(await textOf(page, '.push-result')).toContain(`Pushed: account ${customerId} updated`);
    expect(writes()).toHaveLength(1);
    // What left: the bodies (the request line and headers name the fake's own 127.0.0.1 address).
    expect(personalDataIn(JSON.stringify(writes().map((request) => request.body)))).toEqual([]);
    const audit = await api('GET', `/v1/sites/${SITE}/audit?limit=100`);
    expect(audit.body?.items).toEqual(expect.arrayContaining([expect.objectContaining({ action: 'crm.push', keyId: `user:${people.sales.userId}` })]));
    await context.close();
  });
});

describe('settings', () => {
  it('viewer and sales see no keys, alert rules or CRM connections, and the API refuses their session', async () => {
    for (const person of [people.viewer, people.sales]) {
      const { context, page } = await signedIn(browser, crm.runtime.url, person);
      await page.goto(`${crm.runtime.url}/#/settings`);
      await page.waitForSelector('#hidden-title');
      for (const heading of ['#keys-title', '#alerts-title', '#crm-connections-title']) expect(await page.locator(heading).count()).toBe(0);
      const origin = { origin: crm.runtime.url, 'content-type': 'application/json' };
      const calls = [
        page.request.get(`${crm.runtime.url}/v1/api-keys`),
        page.request.post(`${crm.runtime.url}/v1/api-keys`, { headers: origin, data: { sites: [SITE], scopes: ['leads:read'] } }),
        page.request.get(`${crm.runtime.url}/v1/sites/${SITE}/alert-rules`),
        page.request.post(`${crm.runtime.url}/v1/sites/${SITE}/alert-rules`, { headers: origin, data: { name: 'x', endpointIds: ['abc'] } }),
        page.request.get(`${crm.runtime.url}/v1/sites/${SITE}/crm/connections`),
        page.request.delete(`${crm.runtime.url}/v1/sites/${SITE}/crm/connections/${connectionId}`, { headers: { origin: crm.runtime.url } }),
      ];
      const answers = await Promise.all(calls);
      expect({ role: person.role, statuses: answers.map((answer) => answer.status()) }).toEqual({ role: person.role, statuses: [403, 403, 403, 403, 403, 403] });
      expect(((await answers[1]?.json()) as { error: { message: string } }).error.message).toContain('keys:manage');
      await context.close();
    }
    expect((await api('GET', `/v1/sites/${SITE}/crm/connections`)).body?.items).toHaveLength(1);
  });

  it('an admin creates an API key (secret shown once, no wider than the admin), uses it, and revokes it', async () => {
    const { context, page } = await signedIn(browser, crm.runtime.url, people.admin);
    await page.goto(`${crm.runtime.url}/#/settings`);
    await page.waitForSelector('table.api-keys');
    expect(await axeViolations(page)).toEqual([]);
    await page.check('#scope-keys\\:manage');
    await page.fill('#key-days', '30');
    await page.click('button:has-text("Create key")');
    const secret = (await (await page.waitForSelector('.new-key code')).textContent()) ?? '';
    expect(secret).toMatch(/^eirl_/);
    const bearer = { authorization: `Bearer ${secret}` };
    expect((await fetch(`${crm.runtime.url}/v1/sites/${SITE}/leads`, { headers: bearer })).status).toBe(200);
    expect((await fetch(`${crm.runtime.url}/v1/sites/${SITE}/audit`, { headers: bearer })).status).toBe(403);
    // The key may manage keys, but not make one wider than itself.
    const wider = await fetch(`${crm.runtime.url}/v1/api-keys`, { method: 'POST', headers: { ...bearer, 'content-type': 'application/json' }, body: JSON.stringify({ sites: ['*'], scopes: ['leads:read', 'leads:erase'] }) });
    expect(wider.status).toBe(403);
    expect(((await wider.json()) as { error: { message: string } }).error.message).toMatch(/site \*.*scope leads:erase/);
    const listed = (await (await fetch(`${crm.runtime.url}/v1/api-keys`, { headers: bearer })).json()) as { items: Array<{ keyId: string; scopes: string[] }> };
    const made = listed.items.find((key) => key.scopes.join() === 'leads:read,keys:manage');
    expect(made).toBeDefined();
    expect(JSON.stringify(listed)).not.toContain(secret);

    await page.click('button:has-text("I have copied it")');
    await page.reload();
    await page.waitForSelector('table.api-keys');
    expect(await page.content()).not.toContain(secret);
    page.once('dialog', (dialog) => void dialog.accept());
    await page.click(`button[aria-label="Revoke key ${made?.keyId}"]`);
    await page.waitForSelector('.keys-status:has-text("revoked")');
    expect((await fetch(`${crm.runtime.url}/v1/sites/${SITE}/leads`, { headers: bearer })).status).toBe(401);
    const audit = (await api('GET', `/v1/sites/${SITE}/audit?limit=100`)).body?.items as Array<{ action: string; keyId: string; target?: string }>;
    expect(audit.filter((record) => record.target === made?.keyId).map((record) => record.action).sort()).toEqual(['api-key.create', 'api-key.revoke']);
    await context.close();
  });

  it('an admin creates an alert rule on an existing endpoint and deletes it', async () => {
    const endpoint = await api('POST', `/v1/sites/${SITE}/alert-endpoints`, { kind: 'webhook', name: 'sales desk', url: `${receivers.baseUrl}/hook`, secret: `whsec_${randomBytes(32).toString('base64')}` });
    expect(endpoint.status).toBe(201);
    const { context, page } = await signedIn(browser, crm.runtime.url, people.admin);
    await page.goto(`${crm.runtime.url}/#/settings`);
    await page.fill('#rule-name', 'Pricing visits');
    await page.selectOption('#rule-trigger', 'new-visit');
    await page.fill('#rule-paths', '/pricing');
    await page.check(`#endpoint-${endpoint.body?.endpointId}`);
    await page.click('button:has-text("Create rule")');
    await page.waitForSelector('table.alert-rules th:text-is("Pricing visits")');
    expect(await textOf(page, 'table.alert-rules tbody tr')).toContain('sales desk');
    expect((await api('GET', `/v1/sites/${SITE}/alert-rules`)).body?.items).toEqual([
      expect.objectContaining({ name: 'Pricing visits', trigger: 'new-visit', conditions: { paths: ['/pricing'] }, endpointIds: [endpoint.body?.endpointId] }),
    ]);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'settings-admin.png'), fullPage: true });
    page.once('dialog', (dialog) => void dialog.accept());
    await page.click('button[aria-label="Delete alert rule Pricing visits"]');
    await page.waitForSelector('.alerts-status:has-text("deleted")');
    expect((await api('GET', `/v1/sites/${SITE}/alert-rules`)).body?.items).toEqual([]);
    await context.close();
  });

  it('an admin sees the CRM connection with its sync status and disconnects it', async () => {
    const { context, page } = await signedIn(browser, crm.runtime.url, people.admin);
    await page.goto(`${crm.runtime.url}/#/settings`);
    await page.waitForSelector('table.crm-connections td.sync:has-text("succeeded")');
    const row = await textOf(page, 'table.crm-connections tbody tr');
    expect(row).toContain('hubspot');
    expect(row).toContain('2 accounts');
    expect(row).toContain(`ending …${TOKEN.slice(-4)}`);
    expect(await page.content()).not.toContain(TOKEN);
    page.once('dialog', (dialog) => void dialog.accept());
    await page.click('button[aria-label="Disconnect hubspot"]');
    await page.waitForSelector('.crm-connections-status:has-text("Disconnected")');
    await until('the connection gone', async () => ((await api('GET', `/v1/sites/${SITE}/crm/connections`)).body?.items.length === 0 ? true : undefined), 60_000);
    await until('the lead without its CRM account', async () => ((await api('GET', `/v1/sites/${SITE}/leads/${lead.leadId}`)).body?.crm === undefined ? true : undefined), 60_000);
    await context.close();
  });
});
