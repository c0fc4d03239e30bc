import type { Role } from '../../contracts/api/dashboard';

/**
 * Who may sign in to the dashboard, behind one small interface: Amazon Cognito on AWS (cognito-identity.ts), a
 * local user store in the local runtime (local/identity/). Both require a password and a TOTP code; the dashboard
 * function keeps the steps in between (PendingSignIn) and creates the session.
 */

export type SignInStep = 'mfa' | 'mfa-setup' | 'new-password';

export interface SignedInUser {
  /** The provider's stable user id (Cognito: `sub`); never an e-mail address. */
  readonly userId: string;
  readonly role: Role;
}

export type SignInOutcome =
  | { readonly kind: 'signed-in'; readonly user: SignedInUser; readonly localOnly?: boolean }
  | {
      readonly kind: 'challenge';
      readonly step: SignInStep;
      /** The provider's user name for the next answer (Cognito: USER_ID_FOR_SRP, the sub). */
      readonly username: string;
      /** Opaque state the provider needs back with the answer (Cognito: its challenge session). */
      readonly challenge: string;
      /** For `mfa-setup`: the new TOTP secret (base32) to enter into an authenticator app, shown once. */
      readonly totpSecret?: string;
    }
  | { readonly kind: 'refused'; readonly reason: 'credentials' | 'code' | 'password' | 'expired' | 'no-role'; readonly message: string };

export interface PendingChallenge {
  readonly step: SignInStep;
  readonly username: string;
  readonly challenge: string;
}

export interface IdentityProvider {
  /** What the sign-in page says it signs in with. */
  readonly name: string;
  signIn(username: string, password: string): Promise<SignInOutcome>;
  answer(pending: PendingChallenge, answer: { readonly code?: string; readonly newPassword?: string }): Promise<SignInOutcome>;
  /** The local runtime only: signing in with LOCAL_API_KEY. Absent on AWS. */
  readonly signInWithLocalKey?: (key: string) => Promise<SignInOutcome>;
}

/** The highest role among a user's groups (Cognito groups `admin`, `sales`, `viewer`). */
export function roleOfGroups(groups: readonly string[]): Role | undefined {
  return (['admin', 'sales', 'viewer'] as const).find((role) => groups.includes(role));
}
