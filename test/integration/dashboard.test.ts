/**
 * @own-dynamodb-local it writes thousands of items (support/integration-environment.ts says why)
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import AxeBuilder from '@axe-core/playwright';
import type { BrowserContext, Page } from 'playwright-core';
import { SESSION_COOKIE } from '../../functions/contracts/api/dashboard';
import { totpCode } from '../../local/identity/local-identity';
import { LocalUserStore } from '../../local/identity/local-users';
import { CHROMIUM, DESKTOP_CHROME, repoRoot, seedVisits, type StartedRuntime, startRuntimeAndBrowser, waitForLeads } from './support/dashboard-runtime';

/**
 * Issue 17, the first vertical slice, end to end: `npm start`'s runtime, headless Chromium, an invited person who
 * signs in with a password and TOTP, sees the feed (newest first, filtered by the API), opens a company (why it
 * matched, location, visits, when each is deleted), and signs out and is refused; axe-core (WCAG 2.1 A and AA) on
 * each of those pages; the feed's first-load weight as the browser fetched it. Screenshots go to
 * test-output/dashboard/ (gitignored).
 */

const SCREENSHOTS = join(repoRoot, 'test-output', 'dashboard');
const STRONG_PASSWORD = 'Correct-Horse-42-battery';
const FEED_BUDGET_GZIP_BYTES = 60 * 1024;

/**
 * Waits for the feed to show `count` rows and to have loaded them (the rows show before their tags arrive; the status
 * says "Loading" until then). No string to evaluate: the page's CSP refuses eval, Playwright's too.
 */
async function waitForRows(page: Page, count: number): Promise<void> {
  const started = Date.now();
  const loading = async () => ((await page.locator('.feed-bar [role=status]').textContent()) ?? '').startsWith('Loading');
  while ((await page.locator('table.leads tbody tr').count()) !== count || (await loading())) {
    if (Date.now() - started > 10_000) throw new Error(`the feed did not show ${count} rows`);
    await page.waitForTimeout(100);
  }
}

async function axeViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return results.violations.map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`);
}

type SeededLead = Awaited<ReturnType<typeof waitForLeads>>[number];

describe('the dashboard in a real browser, against npm start’s runtime', () => {
  let runtime: StartedRuntime;
  let usersDir: string;
  let users: LocalUserStore;
  let seeded: Map<string, string>;
  let leads: SeededLead[];
  let person: { context: BrowserContext; page: Page };
  let userId: string;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install chromium, or set CHROMIUM_PATH`);
    mkdirSync(SCREENSHOTS, { recursive: true });
    usersDir = mkdtempSync(join(tmpdir(), 'eirlead-users-'));
    users = new LocalUserStore(join(usersDir, 'users.json'));
    runtime = await startRuntimeAndBrowser({ EIRLEAD_USERS_FILE: join(usersDir, 'users.json') });
    seeded = await seedVisits(runtime.url);
    leads = await waitForLeads(runtime.url, runtime.apiKey, Math.min(seeded.size, 3));
    // Enrichment may still be working through the queue: wait until the list stops growing for 3 s.
    for (let stableSince = Date.now(); Date.now() - stableSince < 3_000; ) {
      await new Promise((resolveWait) => setTimeout(resolveWait, 500));
      const now = await waitForLeads(runtime.url, runtime.apiKey, leads.length);
      if (now.length !== leads.length) [leads, stableSince] = [now, Date.now()];
    }
  }, 120_000);

  afterAll(async () => {
    await person?.context.close();
    await runtime?.stop();
    rmSync(usersDir, { recursive: true, force: true });
  }, 30_000);

  async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await runtime.browser.newContext({ viewport: { width: 1280, height: 900 }, userAgent: DESKTOP_CHROME });
    const page = await context.newPage();
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    return { context, page };
  }

  it('an invited user signs in: temporary password, a new one, TOTP set-up (a wrong code, then the right one), then the feed', async () => {
    const invited = users.invite('pat@example.com', 'sales');
    userId = invited.user.userId;
    person = await newPage();
    const { page } = person;
    await page.goto(`${runtime.url}/`);
    await page.waitForURL(/\/sign-in$/);
    expect(await page.locator('.local h2').textContent()).toBe('Local runtime only');
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'sign-in.png') });

    await page.fill('#username', 'pat@example.com');
    await page.fill('#password', 'wrong-password-123');
    await page.click('button[value=password]');
    await expect(page.locator('.error').textContent()).resolves.toContain('wrong');

    await page.fill('#username', 'pat@example.com');
    await page.fill('#password', invited.temporaryPassword);
    await page.click('button[value=password]');
    await page.fill('#newPassword', STRONG_PASSWORD);
    await page.click('button[value=new-password]');

    const secret = ((await page.locator('.secret code').textContent()) ?? '').replace(/\s/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(await axeViolations(page)).toEqual([]);
    const current = totpCode(secret);
    await page.fill('#code', current === '123456' ? '654321' : '123456');
    await page.click('button[value=mfa-setup]');
    await expect(page.locator('.error').textContent()).resolves.toContain('code is wrong');
    expect(((await page.locator('.secret code').textContent()) ?? '').replace(/\s/g, '')).toBe(secret);
    await page.fill('#code', totpCode(secret));
    await page.click('button[value=mfa-setup]');
    await page.waitForSelector('table.leads tbody tr');

    const cookie = (await person.context.cookies()).find((candidate) => candidate.name === SESSION_COOKIE);
    expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/' });
    expect(await page.locator('.who').textContent()).toContain('sales');
    expect(await page.locator('.badge.warn').count()).toBe(0);
  }, 90_000);

  it('the next sign-in asks for the password and a TOTP code', async () => {
    const { context, page } = await newPage();
    await page.goto(`${runtime.url}/sign-in`);
    await page.fill('#username', 'pat@example.com');
    await page.fill('#password', STRONG_PASSWORD);
    await page.click('button[value=password]');
    await page.waitForSelector('#code');
    expect(await page.locator('.secret').count()).toBe(0);
    const { totpSecret = '' } = users.findByEmail('pat@example.com') ?? {};
    await page.fill('#code', totpCode(totpSecret));
    await page.click('button[value=mfa]');
    await page.waitForSelector('table.leads tbody tr');
    await context.close();
  }, 30_000);

  it('LOCAL_API_KEY signs in as admin, labelled local-only; a wrong key is refused', async () => {
    const { context, page } = await newPage();
    await page.goto(`${runtime.url}/sign-in`);
    await page.fill('#apiKey', 'eirl_not-the-key');
    await page.click('button[value=local-key]');
    await page.waitForSelector('.error');
    await page.fill('#apiKey', runtime.apiKey);
    await page.click('button[value=local-key]');
    await page.waitForSelector('table.leads tbody tr');
    expect(await page.locator('.badge.warn').textContent()).toBe('local key');
    expect(await page.locator('.who').textContent()).toContain('admin');
    // The other pages of the navigation ship in the same bundle: no WCAG 2.1 AA violation there either.
    for (const [path, ready] of [['overview', '.chart .uplot'], ['privacy', 'a[href="privacy-record"]'], ['settings', '#hidden-title']] as const) {
      await page.goto(`${runtime.url}/#/${path}`);
      await page.waitForSelector(ready);
      expect({ path, violations: await axeViolations(page) }).toEqual({ path, violations: [] });
    }
    await context.close();
  }, 90_000);

  it('the feed lists the leads newest first, filters by country through the API, and shows nothing about a person', async () => {
    const { page } = person;
    await expect(page.locator('table.leads tbody tr').count()).resolves.toBe(leads.length);
    const seen = await page.locator('table.leads tbody time').evaluateAll((times) => times.map((time) => time.getAttribute('datetime') ?? ''));
    expect(seen).toEqual([...seen].sort().reverse());
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'feed.png'), fullPage: true });
    const text = (await page.locator('main').textContent()) ?? '';
    for (const ip of seeded.values()) expect(text).not.toContain(ip);

    const country = leads[0]?.location.country ?? 'DE';
    const expected = leads.filter((lead) => lead.location.country === country).length;
    const listed = page.waitForResponse((response) => response.url().includes(`/leads?`) && response.url().includes(`country=${country}`));
    await page.fill('#filter-country', country);
    await page.click('button:has-text("Apply filters")');
    expect((await listed).status()).toBe(200);
    await waitForRows(page, expected);
    await page.click('button:has-text("Clear")');
    await waitForRows(page, leads.length);
  }, 30_000);

  it('saves the filtered feed as a view, and applying the view filters again', async () => {
    const { page } = person;
    const country = leads[0]?.location.country ?? 'DE';
    const expected = leads.filter((lead) => lead.location.country === country).length;
    await page.fill('#filter-country', country);
    await page.click('button:has-text("Apply filters")');
    await waitForRows(page, expected);
    await page.fill('#view-name', `Only ${country}`);
    await page.check('#view-shared');
    await page.click('button:has-text("Save view")');
    await page.waitForSelector(`.view-list button:has-text("Only ${country}")`);
    // Listed by the API after a reload, not only kept by the page that saved it.
    await page.reload();
    await waitForRows(page, leads.length);
    await page.waitForSelector(`.view-list button:has-text("Only ${country}")`);
    expect(await page.locator('.view-list li').first().textContent()).toContain('shared');
    await page.click(`.view-list button:has-text("Only ${country}")`);
    await waitForRows(page, expected);
    expect(await page.inputValue('#filter-country')).toBe(country);
    await page.click('button:has-text("Clear")');
    await waitForRows(page, leads.length);
  }, 30_000);

  it(`the feed's first load (HTML, CSS, scripts; not data) is at most ${FEED_BUDGET_GZIP_BYTES / 1024} KB gzipped`, async () => {
    const page = await person.context.newPage();
    const fetched = new Set<string>();
    page.on('request', (request) => {
      if (['document', 'script', 'stylesheet'].includes(request.resourceType()) && !new URL(request.url()).pathname.startsWith('/v1/')) fetched.add(request.url());
    });
    await page.goto(`${runtime.url}/`);
    await page.waitForSelector('table.leads tbody tr');
    await page.close();
    const cookie = `${SESSION_COOKIE}=${(await person.context.cookies()).find((candidate) => candidate.name === SESSION_COOKIE)?.value ?? ''}`;
    let total = 0;
    const lines: string[] = [];
    for (const url of fetched) {
      const body = Buffer.from(await (await fetch(url, { headers: { cookie } })).arrayBuffer());
      const gzipped = gzipSync(body, { level: 9 }).length;
      total += gzipped;
      lines.push(`${new URL(url).pathname} ${body.length} B, ${gzipped} B gzipped`);
    }
    console.log(`dashboard feed first load: ${total} B gzipped\n${lines.join('\n')}`);
    expect([...fetched].some((url) => url.endsWith('.js'))).toBe(true);
    expect([...fetched].some((url) => url.endsWith('.css'))).toBe(true);
    expect(total).toBeLessThanOrEqual(FEED_BUDGET_GZIP_BYTES);
  }, 30_000);

  it('a company: why it matched, location, the visit timeline, and when the lead and each visit are deleted', async () => {
    const { page } = person;
    const link = page.locator('table.leads tbody tr th a').first();
    const name = (await link.textContent()) ?? '';
    await link.click();
    await page.waitForSelector('.visits li');
    await page.waitForSelector('.chart .uplot');
    expect(await page.locator('h1').textContent()).toBe(name);
    const why = (await page.locator('#why-title + dl').textContent()) ?? '';
    expect(why).toMatch(/Source.*Network.*\d+\.\d+\.\d+\.\d+.*Confidence.*(high|medium|low).*Location/);
    expect(await page.locator('#keep-title + dl').textContent()).toMatch(/This lead\s*deleted on \w+ \d{1,2}, \d{4}/);
    expect(await page.locator('.visits > li').first().textContent()).toMatch(/deleted on \w+ \d{1,2}, \d{4}/);
    expect(await page.locator('.visits .pages li').count()).toBeGreaterThanOrEqual(2);
    const text = (await page.locator('main').textContent()) ?? '';
    for (const ip of seeded.values()) expect(text).not.toContain(ip);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, 'company.png'), fullPage: true });
  }, 30_000);

  it('works from the keyboard alone: skip link, navigation with focus on the new heading, the score’s signals, a company', async () => {
    const { page } = person;
    // A fresh document (a hash change alone would keep focus where the app put it: on the heading).
    await page.goto('about:blank');
    await page.goto(`${runtime.url}/#/feed`);
    await page.waitForSelector('table.leads tbody tr');
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').textContent()).toBe('Skip to content');
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').textContent()).toBe('Feed');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/overview$/);
    await page.waitForSelector('h1:focus');
    await page.goto(`${runtime.url}/#/feed`);
    await page.waitForSelector('table.leads tbody tr');
    await page.locator('table.leads tbody tr th a').first().focus();
    await page.keyboard.press('Tab');
    expect(await page.locator('.score-value:focus').count()).toBe(1);
    expect(await page.locator('.score:focus-within .tip').isVisible()).toBe(true);
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/company\//);
    await page.waitForSelector('.visits li');
  }, 60_000);

  it('every read the pages made is in the audit trail under the person', async () => {
    const response = await fetch(`${runtime.url}/v1/sites/demo/audit?limit=100`, { headers: { authorization: `Bearer ${runtime.apiKey}` } });
    const { items } = (await response.json()) as { items: Array<{ keyId: string; action: string }> };
    const byPerson = items.filter((item) => item.keyId === `user:${userId}`).map((item) => item.action);
    expect(byPerson).toEqual(expect.arrayContaining(['leads.list', 'lead.read']));
  });

  it('exports the current view as CSV through the export API (audited), as a file the browser downloads', async () => {
    const { page } = person;
    await page.goto(`${runtime.url}/#/feed`);
    await waitForRows(page, leads.length);
    const started = page.waitForResponse((response) => response.url().endsWith('/v1/sites/demo/exports') && response.request().method() === 'POST');
    const downloaded = page.waitForEvent('download');
    await page.click('button:has-text("Export CSV")');
    expect((await started).status()).toBe(202);
    const file = await downloaded;
    const text = readFileSync((await file.path()) ?? '', 'utf8');
    const [header, ...rows] = text.trim().split(/\r?\n/);
    expect(header).toContain('organisation');
    expect(rows).toHaveLength(leads.length);
    for (const lead of leads) expect(text).toContain(lead.organisation.name);
    for (const ip of seeded.values()) expect(text).not.toContain(ip);
    await expect(page.locator('.feed-bar [role=status]').textContent()).resolves.toContain(`Exported ${leads.length} organisation`);
    const audit = await fetch(`${runtime.url}/v1/sites/demo/audit?limit=100`, { headers: { authorization: `Bearer ${runtime.apiKey}` } });
    const { items } = (await audit.json()) as { items: Array<{ keyId: string; action: string }> };
    expect(items.filter((item) => item.keyId === `user:${userId}`).map((item) => item.action)).toEqual(expect.arrayContaining(['export.create']));
  }, 60_000);

  it('a sales person hides an organisation from its company page, and it is gone from the feed', async () => {
    const { page } = person;
    const link = page.locator('table.leads tbody tr th a').first();
    const name = (await link.textContent()) ?? '';
    await link.click();
    await page.waitForSelector('.visits li');
    const hidden = page.waitForResponse((response) => response.url().endsWith('/v1/sites/demo/hidden-organisations') && response.request().method() === 'POST');
    await page.click('button:has-text("Hide this organisation")');
    const rule = (await (await hidden).json()) as { asn?: number; domain?: string; name?: string };
    await page.waitForURL(/#\/feed$/);
    // A rule by network hides every organisation on it: the API says which leads are left.
    const left = await (await fetch(`${runtime.url}/v1/sites/demo/leads?limit=100`, { headers: { authorization: `Bearer ${runtime.apiKey}` } })).json();
    const remaining = (left as { items: Array<{ organisation: { name: string } }> }).items.map((lead) => lead.organisation.name);
    expect(remaining).not.toContain(name);
    expect(remaining.length).toBeLessThan(leads.length);
    await waitForRows(page, remaining.length);
    expect(await page.locator('table.leads tbody th a').allTextContents()).not.toContain(name);
    expect(rule.asn ?? rule.domain ?? rule.name).toBeDefined();
    await page.screenshot({ path: join(SCREENSHOTS, 'feed-after-hide.png'), fullPage: true });
  }, 60_000);

  it('signs out, and the old session cookie is refused at once', async () => {
    const { context, page } = person;
    const cookie = (await context.cookies()).find((candidate) => candidate.name === SESSION_COOKIE)?.value ?? '';
    const withCookie = { cookie: `${SESSION_COOKIE}=${cookie}` };
    expect((await fetch(`${runtime.url}/v1/session`, { headers: withCookie })).status).toBe(200);
    // A state-changing request with the cookie from another origin is refused (CSRF).
    const crossSite = await fetch(`${runtime.url}/v1/sites/demo/hidden-organisations`, {
      method: 'POST',
      headers: { ...withCookie, origin: 'https://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Nobody Ltd' }),
    });
    expect(crossSite.status).toBe(403);

    await page.click('button:has-text("Sign out")');
    await page.waitForURL(/sign-in\?ended=1$/);
    expect(await page.locator('.notice').textContent()).toContain('signed out');
    expect((await context.cookies()).find((candidate) => candidate.name === SESSION_COOKIE)).toBeUndefined();
    expect((await fetch(`${runtime.url}/v1/session`, { headers: withCookie })).status).toBe(401);
    expect((await fetch(`${runtime.url}/v1/sites/demo/leads`, { headers: withCookie })).status).toBe(401);
    expect((await fetch(`${runtime.url}/`, { headers: withCookie, redirect: 'manual' })).status).toBe(303);
    await page.goto(`${runtime.url}/`);
    await page.waitForURL(/\/sign-in$/);
  }, 30_000);

  it('sends the security headers: a strict CSP on pages, immutable hashed assets, no-store API answers; no CSP violation was reported', async () => {
    const signInPage = await fetch(`${runtime.url}/sign-in`);
    const csp = signInPage.headers.get('content-security-policy') ?? '';
    for (const directive of ["default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'"]) {
      expect(csp).toContain(directive);
    }
    expect(csp).not.toMatch(/unsafe-(inline|eval)/);
    expect(signInPage.headers.get('cache-control')).toBe('no-cache');
    expect(signInPage.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(signInPage.headers.get('referrer-policy')).toBe('no-referrer');
    expect(signInPage.headers.get('x-content-type-options')).toBe('nosniff');
    const stylesheet = /href="(assets\/[^"]+\.css)"/.exec(await signInPage.text())?.[1] ?? '';
    const asset = await fetch(`${runtime.url}/${stylesheet}`);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-type')).toContain('text/css');
    const session = await fetch(`${runtime.url}/v1/session`, { headers: { authorization: `Bearer ${runtime.apiKey}` } });
    expect(session.headers.get('cache-control')).toBe('no-store');
    expect(cspViolations).toEqual([]);
  });
});
