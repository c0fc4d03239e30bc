import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as z from 'zod';
import { RoleSchema } from '../../functions/contracts/api/dashboard';
import { cognitoClient } from '../../functions/adapters/aws-clients';
import { CognitoUserDirectory, type UserDirectory } from '../../functions/adapters/identity/user-directory';
import { LocalUserStore, temporaryPassword } from '../../local/identity/local-users';

/**
 * People who sign in to the dashboard:
 *   npm run users -- invite <e-mail> --role viewer|sales|admin --user-pool <UserPoolId>   # the deployed stack
 *   npm run users -- invite <e-mail> --role viewer|sales|admin --local [--file <users.json>]
 *   npm run users -- list --local [--file <users.json>]
 * `--user-pool` is the stack's UserPoolId output; the AWS credentials of the shell need cognito-idp:AdminCreateUser,
 * AdminAddUserToGroup and AdminDeleteUser on that pool. An invited person signs in at the stack's AppUrl (or npm
 * start's URL) with the printed temporary password, chooses a new one (at least 12 characters, upper and lower case,
 * a digit, a symbol) and sets up an authenticator app (TOTP), which every later sign-in asks for. The local file
 * defaults to npm start's data directory (.eirlead/users.json, or EIRLEAD_DATA_DIR).
 */

const Where = z.union([
  z.object({ local: z.literal(true), file: z.string() }),
  z.object({ local: z.literal(false), userPool: z.string().regex(/^eu-west-1_[0-9A-Za-z]+$/, 'pass --user-pool, the UserPoolId output (eu-west-1_…)') }),
]);

const ArgsSchema = z.discriminatedUnion(
  'command',
  [
    z.object({ command: z.literal('invite'), email: z.email('pass the e-mail address after invite'), role: RoleSchema, where: Where }),
    z.object({ command: z.literal('list'), where: z.object({ local: z.literal(true, 'list reads the local user store only: pass --local'), file: z.string() }) }),
  ],
  { error: 'the command must be invite or list' },
);
export type UsersArgs = z.infer<typeof ArgsSchema>;

export function parseUsersArgs(argv: readonly string[]): z.ZodSafeParseResult<UsersArgs> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      role: { type: 'string', default: 'viewer' },
      local: { type: 'boolean', default: false },
      'user-pool': { type: 'string', default: '' },
      file: { type: 'string', default: join(resolve(process.env.EIRLEAD_DATA_DIR || '.eirlead'), 'users.json') },
    },
  });
  const where = values.local ? { local: true, file: values.file } : { local: false, userPool: values['user-pool'] };
  return ArgsSchema.safeParse({ command: positionals[0], email: positionals[1], role: values.role, where });
}

/** The directory an invite goes to: the local store behind the same interface as Cognito. */
export function directoryFor(where: Extract<UsersArgs, { command: 'invite' }>['where']): UserDirectory {
  if (!where.local) return new CognitoUserDirectory(cognitoClient(), where.userPool, temporaryPassword);
  const store = new LocalUserStore(where.file);
  return {
    where: `local runtime, ${where.file}`,
    invite: async (email, role) => ({ temporaryPassword: store.invite(email, role).temporaryPassword }),
  };
}

export async function runUsers(args: UsersArgs, directory: (where: Extract<UsersArgs, { command: 'invite' }>['where']) => UserDirectory = directoryFor): Promise<void> {
  if (args.command === 'list') {
    for (const user of new LocalUserStore(args.where.file).list()) console.log(`${user.email}\t${user.role}\t${user.totpSecret ? 'TOTP set up' : 'not signed in yet'}`);
    return;
  }
  const target = directory(args.where);
  const { temporaryPassword: password } = await target.invite(args.email, args.role);
  console.log(`Invited ${args.email} as ${args.role} (${target.where}).`);
  console.log(`Temporary password: ${password}`);
  console.log('At the first sign-in they choose a new password and set up an authenticator app (TOTP).');
}

async function main(): Promise<void> {
  const parsed = parseUsersArgs(process.argv.slice(2));
  if (!parsed.success) {
    console.error(`users: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'command'}: ${issue.message}`).join('; ')}`);
    process.exitCode = 2;
    return;
  }
  try {
    await runUsers(parsed.data);
  } catch (error) {
    console.error(`users: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}

if (process.argv[1]?.endsWith('users.ts')) void main();
