import AxeBuilder from '@axe-core/playwright';
import { Secret } from 'otpauth';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Role } from '../../../functions/contracts/api/dashboard';
import { totpCode } from '../../../local/identity/local-identity';
import { hashPassword, LocalUserStore } from '../../../local/identity/local-users';
import { DESKTOP_CHROME } from './dashboard-runtime';

/**
 * People of the dashboard for browser tests: users already past their first sign-in (password set, TOTP set up),
 * written to the local user store the runtime reads, signed in through the real sign-in form with a real TOTP code.
 */

export const PASSWORD = 'Correct-Horse-42-battery';

export interface Person {
  readonly email: string;
  readonly role: Role;
  readonly userId: string;
  readonly totpSecret: string;
}

export function addPerson(store: LocalUserStore, email: string, role: Role): Person {
  const { user } = store.invite(email, role);
  const totpSecret = new Secret({ size: 20 }).base32;
  store.update({ ...user, passwordHash: hashPassword(PASSWORD), mustChangePassword: false, totpSecret });
  return { email, role, userId: user.userId, totpSecret };
}

export async function signedIn(browser: Browser, url: string, person: Person, options: { bypassCSP?: boolean } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, userAgent: DESKTOP_CHROME, ...options });
  const page = await context.newPage();
  await page.goto(`${url}/sign-in`);
  await page.fill('#username', person.email);
  await page.fill('#password', PASSWORD);
  await page.click('button[value=password]');
  await page.waitForSelector('#code');
  await page.fill('#code', totpCode(person.totpSecret));
  await page.click('button[value=mfa]');
  await page.waitForSelector('header.top .who');
  return { context, page };
}

export async function axeViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return results.violations.map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`);
}

/** Polls a condition in the test process (the page's CSP refuses Playwright's string evaluation). */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}
