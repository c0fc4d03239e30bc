import {
  AssociateSoftwareTokenCommand,
  CognitoIdentityProviderClient,
  CodeMismatchException,
  InitiateAuthCommand,
  NotAuthorizedException,
  RespondToAuthChallengeCommand,
  VerifySoftwareTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { CognitoIdentity, type IdTokenVerifier } from '../../../functions/adapters/identity/cognito-identity';

/**
 * The dashboard's Cognito sign-in, against Cognito's API as its reference documents it (InitiateAuth,
 * RespondToAuthChallenge, AssociateSoftwareToken, VerifySoftwareToken): an invited user's first sign-in goes through
 * NEW_PASSWORD_REQUIRED and MFA_SETUP, every later one through SOFTWARE_TOKEN_MFA.
 */

const cognito = mockClient(CognitoIdentityProviderClient);
afterEach(() => cognito.reset());

const CLIENT_ID = '4l2k8fexampleclientid0000';
const SUB = '3f1b5a4e-8c2d-4e6f-9a0b-1c2d3e4f5a6b';
const ID_TOKEN = 'header.payload.signature';

function verifier(groups: string[] | undefined): IdTokenVerifier & { tokens: string[] } {
  const tokens: string[] = [];
  return Object.assign(async (token: string) => (tokens.push(token), { sub: SUB, ...(groups ? { 'cognito:groups': groups } : {}) }), { tokens });
}

const cognitoError = <E extends Error>(Type: new (options: { message: string; $metadata: object }) => E) => new Type({ message: 'refused', $metadata: {} });

describe('an invited user, first sign-in', () => {
  test('temporary password → new password → TOTP set-up → signed in with the role of their group', async () => {
    cognito.on(InitiateAuthCommand).resolves({ ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: 's1', ChallengeParameters: { USER_ID_FOR_SRP: SUB } });
    cognito
      .on(RespondToAuthChallengeCommand, { ChallengeName: 'NEW_PASSWORD_REQUIRED' })
      .resolves({ ChallengeName: 'MFA_SETUP', Session: 's2', ChallengeParameters: {} })
      .on(RespondToAuthChallengeCommand, { ChallengeName: 'MFA_SETUP' })
      .resolves({ AuthenticationResult: { IdToken: ID_TOKEN } });
    cognito.on(AssociateSoftwareTokenCommand).resolves({ SecretCode: 'JBSWY3DPEHPK3PXP', Session: 's3' });
    cognito.on(VerifySoftwareTokenCommand).resolves({ Status: 'SUCCESS', Session: 's4' });
    const verify = verifier(['sales']);
    const identity = new CognitoIdentity(new CognitoIdentityProviderClient({}), CLIENT_ID, verify);

    const first = await identity.signIn('ana@example.com', 'Tmp-temporary-7a');
    expect(first).toEqual({ kind: 'challenge', step: 'new-password', username: SUB, challenge: 's1' });
    expect(cognito.commandCalls(InitiateAuthCommand)[0]?.args[0].input).toEqual({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: CLIENT_ID,
      AuthParameters: { USERNAME: 'ana@example.com', PASSWORD: 'Tmp-temporary-7a' },
    });

    const setUp = await identity.answer({ step: 'new-password', username: SUB, challenge: 's1' }, { newPassword: 'A-new-passw0rd!' });
    expect(setUp).toEqual({ kind: 'challenge', step: 'mfa-setup', username: SUB, challenge: 's3', totpSecret: 'JBSWY3DPEHPK3PXP' });
    expect(cognito.commandCalls(RespondToAuthChallengeCommand)[0]?.args[0].input).toMatchObject({
      ChallengeName: 'NEW_PASSWORD_REQUIRED',
      Session: 's1',
      ChallengeResponses: { USERNAME: SUB, NEW_PASSWORD: 'A-new-passw0rd!' },
    });
    expect(cognito.commandCalls(AssociateSoftwareTokenCommand)[0]?.args[0].input).toEqual({ Session: 's2' });

    const signedIn = await identity.answer({ step: 'mfa-setup', username: SUB, challenge: 's3' }, { code: '123456' });
    expect(signedIn).toEqual({ kind: 'signed-in', user: { userId: SUB, role: 'sales' } });
    expect(cognito.commandCalls(VerifySoftwareTokenCommand)[0]?.args[0].input).toMatchObject({ Session: 's3', UserCode: '123456' });
    expect(cognito.commandCalls(RespondToAuthChallengeCommand)[1]?.args[0].input).toMatchObject({ ChallengeName: 'MFA_SETUP', Session: 's4' });
    expect(verify.tokens).toEqual([ID_TOKEN]);
  });

  test('a wrong code at TOTP set-up is refused and nothing is answered to Cognito', async () => {
    cognito.on(VerifySoftwareTokenCommand).resolves({ Status: 'ERROR' });
    const identity = new CognitoIdentity(new CognitoIdentityProviderClient({}), CLIENT_ID, verifier(['viewer']));

    const outcome = await identity.answer({ step: 'mfa-setup', username: SUB, challenge: 's3' }, { code: '000000' });

    expect(outcome).toMatchObject({ kind: 'refused', reason: 'code' });
    expect(cognito.commandCalls(RespondToAuthChallengeCommand)).toHaveLength(0);
  });

  test("a new password Cognito's policy refuses is a refusal naming the policy", async () => {
    cognito.on(RespondToAuthChallengeCommand).rejects(Object.assign(new Error('Password does not conform to policy'), { name: 'InvalidPasswordException' }));
    const identity = new CognitoIdentity(new CognitoIdentityProviderClient({}), CLIENT_ID, verifier(['viewer']));

    const outcome = await identity.answer({ step: 'new-password', username: SUB, challenge: 's1' }, { newPassword: 'short' });

    expect(outcome).toMatchObject({ kind: 'refused', reason: 'password', message: expect.stringContaining('12 characters') });
  });
});

describe('a later sign-in', () => {
  test('password → SOFTWARE_TOKEN_MFA code → signed in; the highest group is the role', async () => {
    cognito.on(InitiateAuthCommand).resolves({ ChallengeName: 'SOFTWARE_TOKEN_MFA', Session: 'm1', ChallengeParameters: { USER_ID_FOR_SRP: SUB } });
    cognito.on(RespondToAuthChallengeCommand).resolves({ AuthenticationResult: { IdToken: ID_TOKEN } });
    const identity = new CognitoIdentity(new CognitoIdentityProviderClient({}), CLIENT_ID, verifier(['viewer', 'admin']));

    expect(await identity.signIn('ana@example.com', 'A-new-passw0rd!')).toEqual({ kind: 'challenge', step: 'mfa', username: SUB, challenge: 'm1' });
    expect(await identity.answer({ step: 'mfa', username: SUB, challenge: 'm1' }, { code: '654321' })).toEqual({
      kind: 'signed-in',
      user: { userId: SUB, role: 'admin' },
    });
    expect(cognito.commandCalls(RespondToAuthChallengeCommand)[0]?.args[0].input).toEqual({
      ClientId: CLIENT_ID,
      ChallengeName: 'SOFTWARE_TOKEN_MFA',
      Session: 'm1',
      ChallengeResponses: { USERNAME: SUB, SOFTWARE_TOKEN_MFA_CODE: '654321' },
    });
  });

  test('a wrong password and a wrong code are refusals, not errors', async () => {
    cognito.on(InitiateAuthCommand).rejects(cognitoError(NotAuthorizedException));
    cognito.on(RespondToAuthChallengeCommand).rejects(cognitoError(CodeMismatchException));
    const identity = new CognitoIdentity(new CognitoIdentityProviderClient({}), CLIENT_ID, verifier(['viewer']));

    expect(await identity.signIn('ana@example.com', 'wrong')).toMatchObject({ kind: 'refused', reason: 'credentials' });
    expect(await identity.answer({ step: 'mfa', username: SUB, challenge: 'm1' }, { code: '111111' })).toMatchObject({ kind: 'refused', reason: 'code' });
  });

  test('a user in no dashboard group is refused', async () => {
    cognito.on(InitiateAuthCommand).resolves({ ChallengeName: 'SOFTWARE_TOKEN_MFA', Session: 'm1', ChallengeParameters: { USER_ID_FOR_SRP: SUB } });
    cognito.on(RespondToAuthChallengeCommand).resolves({ AuthenticationResult: { IdToken: ID_TOKEN } });
    const identity = new CognitoIdentity(new CognitoIdentityProviderClient({}), CLIENT_ID, verifier(undefined));

    expect(await identity.answer({ step: 'mfa', username: SUB, challenge: 'm1' }, { code: '654321' })).toMatchObject({ kind: 'refused', reason: 'no-role' });
  });

  test('a challenge the pool should never send (SMS) is an error, not a sign-in', async () => {
    cognito.on(InitiateAuthCommand).resolves({ ChallengeName: 'SMS_MFA', Session: 'x', ChallengeParameters: { USER_ID_FOR_SRP: SUB } });
    const identity = new CognitoIdentity(new CognitoIdentityProviderClient({}), CLIENT_ID, verifier(['viewer']));

    await expect(identity.signIn('ana@example.com', 'A-new-passw0rd!')).rejects.toThrow('SMS_MFA');
  });
});
