import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  CognitoIdentityProviderClient,
  ResourceNotFoundException,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { CognitoUserDirectory, UserExistsError } from '../../../functions/adapters/identity/user-directory';
import { LocalUserStore, meetsPasswordPolicy, temporaryPassword } from '../../../local/identity/local-users';
import { directoryFor, parseUsersArgs, runUsers } from '../../../scripts/ops/users';

/** `npm run users -- invite`: AdminCreateUser and the role's group on Cognito, the same interface over the local store. */

const cognito = mockClient(CognitoIdentityProviderClient);
afterEach(() => cognito.reset());

const POOL = 'eu-west-1_AbCdEf123';
const SUB = '3f1b5a4e-8c2d-4e6f-9a0b-1c2d3e4f5a6b';
const directory = () => new CognitoUserDirectory(new CognitoIdentityProviderClient({}), POOL, () => 'Tmp-fixed-passw0rd');

describe('inviting to the Cognito user pool', () => {
  test('creates the user with a temporary password and no Cognito mail, then puts them in their role group', async () => {
    cognito.on(AdminCreateUserCommand).resolves({ User: { Username: SUB } });
    cognito.on(AdminAddUserToGroupCommand).resolves({});

    const { temporaryPassword } = await directory().invite('ana@example.com', 'sales');

    expect(temporaryPassword).toBe('Tmp-fixed-passw0rd');
    expect(cognito.commandCalls(AdminCreateUserCommand)[0]?.args[0].input).toEqual({
      UserPoolId: POOL,
      Username: 'ana@example.com',
      UserAttributes: [
        { Name: 'email', Value: 'ana@example.com' },
        { Name: 'email_verified', Value: 'true' },
      ],
      TemporaryPassword: 'Tmp-fixed-passw0rd',
      MessageAction: 'SUPPRESS',
    });
    expect(cognito.commandCalls(AdminAddUserToGroupCommand)[0]?.args[0].input).toEqual({ UserPoolId: POOL, Username: SUB, GroupName: 'sales' });
  });

  test('an existing user is a clear error, and no group is touched', async () => {
    cognito.on(AdminCreateUserCommand).rejects(new UsernameExistsException({ message: 'User account already exists', $metadata: {} }));

    await expect(directory().invite('ana@example.com', 'admin')).rejects.toThrow(UserExistsError);
    expect(cognito.commandCalls(AdminAddUserToGroupCommand)).toHaveLength(0);
  });

  test('when joining the group fails the user is deleted again: nobody exists without a role', async () => {
    cognito.on(AdminCreateUserCommand).resolves({ User: { Username: SUB } });
    cognito.on(AdminAddUserToGroupCommand).rejects(new ResourceNotFoundException({ message: 'Group not found', $metadata: {} }));
    cognito.on(AdminDeleteUserCommand).resolves({});

    await expect(directory().invite('ana@example.com', 'viewer')).rejects.toThrow('Group not found');
    expect(cognito.commandCalls(AdminDeleteUserCommand)[0]?.args[0].input).toEqual({ UserPoolId: POOL, Username: SUB });
  });

  test("the temporary passwords the command generates meet the pool's policy", () => {
    for (let i = 0; i < 50; i++) {
      const password = temporaryPassword();
      expect({ password, ok: meetsPasswordPolicy(password) }).toEqual({ password, ok: true });
    }
  });
});

describe('the users command', () => {
  test('invite needs --user-pool (the stack output) unless --local, and a role of the three', () => {
    expect(parseUsersArgs(['invite', 'ana@example.com', '--role', 'sales']).success).toBe(false);
    expect(parseUsersArgs(['invite', 'ana@example.com', '--role', 'owner', '--user-pool', POOL]).success).toBe(false);
    expect(parseUsersArgs(['invite', 'ana@example.com', '--role', 'sales', '--user-pool', POOL]).data).toEqual({
      command: 'invite',
      email: 'ana@example.com',
      role: 'sales',
      where: { local: false, userPool: POOL },
    });
  });

  test('invites to Cognito with --user-pool, and prints the temporary password', async () => {
    cognito.on(AdminCreateUserCommand).resolves({ User: { Username: SUB } });
    cognito.on(AdminAddUserToGroupCommand).resolves({});
    const lines: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((line: string) => void lines.push(line));
    try {
      const args = parseUsersArgs(['invite', 'ana@example.com', '--role', 'admin', '--user-pool', POOL]);
      if (!args.success) throw args.error;
      await runUsers(args.data);
    } finally {
      log.mockRestore();
    }
    expect(cognito.commandCalls(AdminAddUserToGroupCommand)[0]?.args[0].input.GroupName).toBe('admin');
    const password = (cognito.commandCalls(AdminCreateUserCommand)[0]?.args[0].input.TemporaryPassword ?? '') as string;
    expect(lines).toEqual(expect.arrayContaining([`Invited ana@example.com as admin (Cognito user pool ${POOL}).`, `Temporary password: ${password}`]));
  });

  test('--local invites into the local user store through the same interface, without AWS', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eirlead-users-'));
    try {
      const file = join(dir, 'users.json');
      const { temporaryPassword } = await directoryFor({ local: true, file }).invite('bo@example.com', 'viewer');
      expect(meetsPasswordPolicy(temporaryPassword)).toBe(true);
      expect(new LocalUserStore(file).list().map((user) => [user.email, user.role])).toEqual([['bo@example.com', 'viewer']]);
      expect(cognito.calls()).toHaveLength(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
