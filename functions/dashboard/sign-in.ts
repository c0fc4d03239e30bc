import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { PENDING_SIGN_IN_COOKIE, PENDING_SIGN_IN_MINUTES, ROLE_SCOPES, SESSION_COOKIE, SESSION_HOURS } from '../contracts/api/dashboard';
import type { IdentityProvider, SignInOutcome, SignInStep } from '../adapters/identity/identity-provider';
import type { SessionStore } from '../adapters/dynamodb/session-store';
import { cookieValue, hostCookie, isSameOriginRequest } from '../platform/cookies';
import { header } from '../platform/http';
import type { Logger } from '../platform/logger';
import type { DashboardManifest } from './assets';
import { PAGE_HEADERS } from './headers';
import { signInPage, type SignInView } from './pages';

/**
 * Signing in, one form post per step: password (or, locally, LOCAL_API_KEY), then a new password for an invited
 * user, TOTP set-up on first sign-in, and the TOTP code. Between steps the provider's challenge lives in the table
 * under a short-lived cookie, taken (deleted) by the next post. Success creates the session and its cookie; no
 * provider token reaches the browser.
 */

const MAX_FIELD_LENGTH = 1024;

export function page(statusCode: number, body: string, cookies: readonly string[] = []): APIGatewayProxyResult {
  return { statusCode, headers: { ...PAGE_HEADERS }, ...(cookies.length > 0 ? { multiValueHeaders: { 'Set-Cookie': [...cookies] } } : {}), body };
}

export function redirect(location: string, cookies: readonly string[] = []): APIGatewayProxyResult {
  return {
    statusCode: 303,
    headers: { ...PAGE_HEADERS, Location: location },
    ...(cookies.length > 0 ? { multiValueHeaders: { 'Set-Cookie': [...cookies] } } : {}),
    body: '',
  };
}

function formOf(event: APIGatewayProxyEvent): URLSearchParams {
  const raw = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');
  return new URLSearchParams(raw.length > 16_384 ? '' : raw);
}

const fromThisOrigin = (event: APIGatewayProxyEvent): boolean =>
  isSameOriginRequest({ origin: header(event, 'origin'), host: header(event, 'host'), fetchSite: header(event, 'sec-fetch-site') });

const fieldOf = (form: URLSearchParams, name: string): string => (form.get(name) ?? '').slice(0, MAX_FIELD_LENGTH);

export class SignIn {
  constructor(
    private readonly identity: IdentityProvider,
    private readonly sessions: SessionStore,
    private readonly manifest: DashboardManifest,
    private readonly logger: Logger,
  ) {}

  private view(view: Omit<SignInView, 'providerName' | 'offerLocalKey'>): string {
    return signInPage(this.manifest, { ...view, providerName: this.identity.name, offerLocalKey: this.identity.signInWithLocalKey !== undefined });
  }

  /** The signed-in session of a request, if any. */
  async sessionOf(event: APIGatewayProxyEvent) {
    const token = cookieValue(header(event, 'cookie'), SESSION_COOKIE);
    return token === undefined ? undefined : this.sessions.find(token);
  }

  async showPage(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
    if (await this.sessionOf(event)) return redirect('./');
    const ended = event.queryStringParameters?.ended === '1';
    return page(200, this.view({ step: 'password', ...(ended ? { notice: 'You are signed out.' } : {}) }), [hostCookie(PENDING_SIGN_IN_COOKIE, '', 0)]);
  }

  async post(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
    // Login CSRF: another site must not sign a browser in to an account of its choosing.
    if (!fromThisOrigin(event)) {
      return page(403, this.view({ step: 'password', error: 'This form must be sent from this site. Reload the page and try again.' }));
    }
    const form = formOf(event);
    const step = fieldOf(form, 'step');
    let outcome: SignInOutcome;
    let answered: SignInStep | undefined;
    if (step === 'password') {
      outcome = await this.identity.signIn(fieldOf(form, 'username').trim(), fieldOf(form, 'password'));
    } else if (step === 'local-key') {
      if (!this.identity.signInWithLocalKey) return page(400, this.view({ step: 'password', error: 'Signing in with a key works only in the local runtime.' }));
      outcome = await this.identity.signInWithLocalKey(fieldOf(form, 'apiKey').trim());
    } else if (step === 'mfa' || step === 'mfa-setup' || step === 'new-password') {
      const token = cookieValue(header(event, 'cookie'), PENDING_SIGN_IN_COOKIE);
      const pending = token === undefined ? undefined : await this.sessions.takeSignIn(token);
      if (!pending || pending.step !== step) {
        return page(400, this.view({ step: 'password', error: `That sign-in expired (after ${PENDING_SIGN_IN_MINUTES} minutes) or was used; start again.` }));
      }
      answered = step;
      outcome = await this.identity.answer(pending, { code: fieldOf(form, 'code').trim(), newPassword: fieldOf(form, 'newPassword') });
      // A mistyped code may be tried again within the same challenge; the provider refuses a spent one itself.
      if (outcome.kind === 'refused' && outcome.reason === 'code') {
        const retry = await this.sessions.startSignIn(pending);
        const secret = fieldOf(form, 'secret');
        const again = step === 'mfa-setup' && /^[A-Z2-7]{16,128}$/.test(secret) ? { totpSecret: secret } : {};
        return page(400, this.view({ step, error: outcome.message, ...again }), [hostCookie(PENDING_SIGN_IN_COOKIE, retry, PENDING_SIGN_IN_MINUTES * 60)]);
      }
    } else {
      return page(400, this.view({ step: 'password', error: 'Unknown sign-in step; start again.' }));
    }
    return this.conclude(outcome, answered);
  }

  private async conclude(outcome: SignInOutcome, answered: SignInStep | undefined): Promise<APIGatewayProxyResult> {
    const clearPending = hostCookie(PENDING_SIGN_IN_COOKIE, '', 0);
    switch (outcome.kind) {
      case 'refused':
        this.logger.info('Sign-in refused', { reason: outcome.reason, step: answered ?? 'password' });
        return page(outcome.reason === 'password' ? 400 : 401, this.view({ step: 'password', error: outcome.message }), [clearPending]);
      case 'challenge': {
        const token = await this.sessions.startSignIn({ step: outcome.step, username: outcome.username, challenge: outcome.challenge });
        return page(200, this.view({ step: outcome.step, ...(outcome.totpSecret ? { totpSecret: outcome.totpSecret } : {}) }), [
          hostCookie(PENDING_SIGN_IN_COOKIE, token, PENDING_SIGN_IN_MINUTES * 60),
        ]);
      }
      case 'signed-in': {
        const { user } = outcome;
        const { token } = await this.sessions.create({
          userId: user.userId,
          role: user.role,
          sites: ['*'],
          scopes: [...ROLE_SCOPES[user.role]],
          localOnly: outcome.localOnly === true,
        });
        this.logger.info('Signed in', { userId: user.userId, role: user.role, localOnly: outcome.localOnly === true });
        return redirect('./', [hostCookie(SESSION_COOKIE, token, SESSION_HOURS * 3600), clearPending]);
      }
    }
  }

  async signOut(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
    if (!fromThisOrigin(event)) {
      return page(403, this.view({ step: 'password', error: 'Sign out from the dashboard itself.' }));
    }
    const token = cookieValue(header(event, 'cookie'), SESSION_COOKIE);
    if (token !== undefined) await this.sessions.end(token);
    return redirect('sign-in?ended=1', [hostCookie(SESSION_COOKIE, '', 0)]);
  }
}
