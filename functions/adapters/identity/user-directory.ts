import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import type { Role } from '../../contracts/api/dashboard';

/**
 * Where dashboard users are invited (`npm run users -- invite`): the stack's Cognito user pool, or the local
 * runtime's user store. Either way the person gets a temporary password, chooses a new one at the first sign-in and
 * sets up TOTP there; the role is what the dashboard turns into scopes.
 */
export interface UserDirectory {
  /** Where the user was created, for the command's output. */
  readonly where: string;
  invite(email: string, role: Role): Promise<{ readonly temporaryPassword: string }>;
}

export class UserExistsError extends Error {
  constructor(email: string) {
    super(`${email} is already a user`);
    this.name = 'UserExistsError';
  }
}

/**
 * AdminCreateUser with the address marked verified (an admin vouches for it) and Cognito's invitation mail
 * suppressed: the admin hands the temporary password over themselves, so no mail leaves through Cognito's shared
 * sender. The role is the user's one group (admin, sales, viewer: lib/constructs/dashboard-app.ts); if joining the
 * group fails the user is deleted again, so no one exists without a role.
 */
export class CognitoUserDirectory implements UserDirectory {
  readonly where: string;

  constructor(
    private readonly client: CognitoIdentityProviderClient,
    private readonly userPoolId: string,
    private readonly newTemporaryPassword: () => string,
  ) {
    this.where = `Cognito user pool ${userPoolId}`;
  }

  async invite(email: string, role: Role): Promise<{ temporaryPassword: string }> {
    const temporaryPassword = this.newTemporaryPassword();
    let username: string;
    try {
      const created = await this.client.send(
        new AdminCreateUserCommand({
          UserPoolId: this.userPoolId,
          Username: email,
          UserAttributes: [
            { Name: 'email', Value: email },
            { Name: 'email_verified', Value: 'true' },
          ],
          TemporaryPassword: temporaryPassword,
          MessageAction: 'SUPPRESS',
        }),
      );
      username = created.User?.Username ?? email;
    } catch (error) {
      if (error instanceof Error && error.name === 'UsernameExistsException') throw new UserExistsError(email);
      throw error;
    }
    try {
      await this.client.send(new AdminAddUserToGroupCommand({ UserPoolId: this.userPoolId, Username: username, GroupName: role }));
    } catch (error) {
      await this.client.send(new AdminDeleteUserCommand({ UserPoolId: this.userPoolId, Username: username }));
      throw error;
    }
    return { temporaryPassword };
  }
}
