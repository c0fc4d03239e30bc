import {
  AssociateSoftwareTokenCommand,
  type AuthenticationResultType,
  ChallengeNameType,
  type CognitoIdentityProviderClient,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { roleOfGroups, type IdentityProvider, type PendingChallenge, type SignInOutcome } from './identity-provider';

/**
 * Amazon Cognito's regional endpoint (cognito-idp.eu-west-1.amazonaws.com), called by the dashboard function: no
 * hosted UI (a custom domain for it needs CloudFront), no token ever reaches the browser. The flow (Cognito API
 * reference, InitiateAuth and RespondToAuthChallenge): USER_PASSWORD_AUTH, then NEW_PASSWORD_REQUIRED for an
 * invited user's temporary password, MFA_SETUP (AssociateSoftwareToken, VerifySoftwareToken) on first sign-in, and
 * SOFTWARE_TOKEN_MFA on every sign-in after that. The ID token is verified (signature, issuer, audience, expiry)
 * and read for the user's sub and groups, then dropped.
 */

/** Verifies a Cognito ID token; `aws-jwt-verify`'s CognitoJwtVerifier in production (verifier.ts). */
export type IdTokenVerifier = (idToken: string) => Promise<{ sub: string; 'cognito:groups'?: string[] }>;

const REFUSALS: Record<string, Extract<SignInOutcome, { kind: 'refused' }>> = {
  NotAuthorizedException: { kind: 'refused', reason: 'credentials', message: 'The e-mail address or password is wrong.' },
  UserNotFoundException: { kind: 'refused', reason: 'credentials', message: 'The e-mail address or password is wrong.' },
  CodeMismatchException: { kind: 'refused', reason: 'code', message: 'That code is wrong; enter the current one from your app.' },
  EnableSoftwareTokenMFAException: { kind: 'refused', reason: 'code', message: 'That code is wrong; enter the current one from your app.' },
  ExpiredCodeException: { kind: 'refused', reason: 'expired', message: 'That sign-in took too long; start again.' },
  InvalidPasswordException: {
    kind: 'refused',
    reason: 'password',
    message: 'The new password does not meet the policy: at least 12 characters with upper and lower case letters, a digit and a symbol.',
  },
  PasswordResetRequiredException: { kind: 'refused', reason: 'credentials', message: 'An administrator must reset this password first.' },
};

export class CognitoIdentity implements IdentityProvider {
  readonly name = 'Amazon Cognito (eu-west-1)';

  constructor(
    private readonly client: CognitoIdentityProviderClient,
    private readonly clientId: string,
    private readonly verifyIdToken: IdTokenVerifier,
  ) {}

  signIn(username: string, password: string): Promise<SignInOutcome> {
    return this.refusing(async () => {
      const answer = await this.client.send(
        new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: this.clientId, AuthParameters: { USERNAME: username, PASSWORD: password } }),
      );
      return this.next(answer.ChallengeName, answer.ChallengeParameters?.USER_ID_FOR_SRP ?? '', answer.Session, answer.AuthenticationResult);
    });
  }

  answer(pending: PendingChallenge, answer: { code?: string; newPassword?: string }): Promise<SignInOutcome> {
    return this.refusing(async () => {
      if (pending.step === 'mfa-setup') {
        const verified = await this.client.send(
          new VerifySoftwareTokenCommand({ Session: pending.challenge, UserCode: answer.code ?? '', FriendlyDeviceName: 'Eirlead' }),
        );
        if (verified.Status !== 'SUCCESS') return REFUSALS.CodeMismatchException as SignInOutcome;
        return this.respond(ChallengeNameType.MFA_SETUP, pending.username, verified.Session, {});
      }
      if (pending.step === 'new-password') {
        return this.respond(ChallengeNameType.NEW_PASSWORD_REQUIRED, pending.username, pending.challenge, { NEW_PASSWORD: answer.newPassword ?? '' });
      }
      return this.respond(ChallengeNameType.SOFTWARE_TOKEN_MFA, pending.username, pending.challenge, { SOFTWARE_TOKEN_MFA_CODE: answer.code ?? '' });
    });
  }

  private async respond(name: ChallengeNameType, username: string, session: string | undefined, responses: Record<string, string>): Promise<SignInOutcome> {
    const answer = await this.client.send(
      new RespondToAuthChallengeCommand({
        ClientId: this.clientId,
        ChallengeName: name,
        Session: session,
        ChallengeResponses: { USERNAME: username, ...responses },
      }),
    );
    return this.next(answer.ChallengeName, answer.ChallengeParameters?.USER_ID_FOR_SRP ?? username, answer.Session, answer.AuthenticationResult);
  }

  private async next(
    challengeName: string | undefined,
    username: string,
    session: string | undefined,
    result: AuthenticationResultType | undefined,
  ): Promise<SignInOutcome> {
    if (result?.IdToken) {
      const claims = await this.verifyIdToken(result.IdToken);
      const role = roleOfGroups(claims['cognito:groups'] ?? []);
      if (!role) return { kind: 'refused', reason: 'no-role', message: 'This user is in none of the groups admin, sales or viewer.' };
      return { kind: 'signed-in', user: { userId: claims.sub, role } };
    }
    if (!session || !username) throw new Error(`Cognito answered ${challengeName ?? 'nothing'} without a session`);
    switch (challengeName) {
      case ChallengeNameType.SOFTWARE_TOKEN_MFA:
        return { kind: 'challenge', step: 'mfa', username, challenge: session };
      case ChallengeNameType.NEW_PASSWORD_REQUIRED:
        return { kind: 'challenge', step: 'new-password', username, challenge: session };
      case ChallengeNameType.MFA_SETUP: {
        const associated = await this.client.send(new AssociateSoftwareTokenCommand({ Session: session }));
        if (!associated.SecretCode || !associated.Session) throw new Error('Cognito associated no software token');
        return { kind: 'challenge', step: 'mfa-setup', username, challenge: associated.Session, totpSecret: associated.SecretCode };
      }
      default:
        // The pool allows TOTP only (no SMS, no e-mail codes), so any other challenge is a misconfigured pool.
        throw new Error(`Cognito challenge ${challengeName ?? '(none)'} is not supported`);
    }
  }

  /** Cognito's answers a person can act on become refusals; anything else is an error (a 500, logged). */
  private async refusing(step: () => Promise<SignInOutcome>): Promise<SignInOutcome> {
    try {
      return await step();
    } catch (error) {
      const refusal = error instanceof Error ? REFUSALS[error.name] : undefined;
      if (refusal) return refusal;
      throw error;
    }
  }
}
