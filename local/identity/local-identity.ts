import { timingSafeEqual } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import type { IdentityProvider, PendingChallenge, SignInOutcome } from '../../functions/adapters/identity/identity-provider';
import { type LocalUser, LocalUserStore, hashPassword, meetsPasswordPolicy, passwordMatches } from './local-users';

/**
 * The local runtime's identity provider: the same steps as Cognito (temporary password → new password → TOTP set-up
 * → TOTP code) against the local user store, with real TOTP (RFC 6238, 30-second steps, one step of clock drift
 * either side), so the sign-in page is the same page locally and on AWS. It also accepts the runtime's
 * LOCAL_API_KEY as an admin sign-in, labelled local-only; the AWS entry point (functions/dashboard/handler.ts)
 * never builds this provider.
 */

const WRONG_CREDENTIALS: SignInOutcome = { kind: 'refused', reason: 'credentials', message: 'The e-mail address or password is wrong.' };
const WRONG_CODE: SignInOutcome = { kind: 'refused', reason: 'code', message: 'That code is wrong; enter the current one from your app.' };

/** A code for a secret at a time (the tests' authenticator app). */
export const totpCode = (secret: string, timestamp = Date.now()): string => totpOf(secret).generate({ timestamp });
const totpOf = (secret: string) => new TOTP({ issuer: 'Eirlead', label: 'Eirlead', secret: Secret.fromBase32(secret), digits: 6, period: 30 });
const codeMatches = (secret: string, code: string): boolean => /^\d{6}$/.test(code) && totpOf(secret).validate({ token: code, window: 1 }) !== null;

export class LocalIdentity implements IdentityProvider {
  readonly name = 'the local user store (no AWS)';

  constructor(
    private readonly users: LocalUserStore,
    private readonly localApiKey: string,
  ) {}

  async signIn(username: string, password: string): Promise<SignInOutcome> {
    const user = this.users.findByEmail(username);
    if (!user || !passwordMatches(password, user.passwordHash)) return WRONG_CREDENTIALS;
    return this.after(user);
  }

  async answer(pending: PendingChallenge, answer: { code?: string; newPassword?: string }): Promise<SignInOutcome> {
    const [userId = '', setupSecret] = pending.challenge.split(':');
    const user = this.users.findById(userId);
    if (!user || user.userId !== pending.username) return WRONG_CREDENTIALS;
    switch (pending.step) {
      case 'new-password': {
        const password = answer.newPassword ?? '';
        if (!meetsPasswordPolicy(password)) {
          return { kind: 'refused', reason: 'password', message: 'The new password does not meet the policy: at least 12 characters with upper and lower case letters, a digit and a symbol.' };
        }
        const changed = { ...user, passwordHash: hashPassword(password), mustChangePassword: false };
        this.users.update(changed);
        return this.after(changed);
      }
      case 'mfa-setup': {
        if (!setupSecret || !codeMatches(setupSecret, answer.code ?? '')) return WRONG_CODE;
        this.users.update({ ...user, totpSecret: setupSecret });
        return { kind: 'signed-in', user: { userId: user.userId, role: user.role } };
      }
      case 'mfa':
        if (!user.totpSecret || !codeMatches(user.totpSecret, answer.code ?? '')) return WRONG_CODE;
        return { kind: 'signed-in', user: { userId: user.userId, role: user.role } };
    }
  }

  readonly signInWithLocalKey = async (key: string): Promise<SignInOutcome> => {
    const given = Buffer.from(key);
    const expected = Buffer.from(this.localApiKey);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return { kind: 'refused', reason: 'credentials', message: 'That is not this runtime’s LOCAL_API_KEY.' };
    }
    return { kind: 'signed-in', user: { userId: 'local-api-key', role: 'admin' }, localOnly: true };
  };

  /** What Cognito asks after a correct password: a new one, then TOTP set-up, then the code. */
  private after(user: LocalUser): SignInOutcome {
    if (user.mustChangePassword) return { kind: 'challenge', step: 'new-password', username: user.userId, challenge: user.userId };
    if (!user.totpSecret) {
      const secret = new Secret({ size: 20 }).base32;
      return { kind: 'challenge', step: 'mfa-setup', username: user.userId, challenge: `${user.userId}:${secret}`, totpSecret: secret };
    }
    return { kind: 'challenge', step: 'mfa', username: user.userId, challenge: user.userId };
  }
}
