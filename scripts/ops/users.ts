import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { RoleSchema } from '../../functions/contracts/api/dashboard';
import { LocalUserStore } from '../../local/identity/local-users';

/**
 * People who sign in to the dashboard of the local runtime (the user store npm start reads at every sign-in):
 *   npm run users -- invite <e-mail> --role viewer|sales|admin --local [--file <users.json>]
 *   npm run users -- list --local [--file <users.json>]
 * An invited person signs in with the printed temporary password, chooses a new one (at least 12 characters) and
 * sets up TOTP. The file defaults to npm start's data directory (.eirlead/users.json, or EIRLEAD_DATA_DIR).
 * Inviting to the deployed stack's Cognito user pool is not built yet (issue 17): `--local` is required.
 */

const ArgsSchema = z.discriminatedUnion(
  'command',
  [
    z.object({ command: z.literal('invite'), email: z.email('pass the e-mail address after invite'), role: RoleSchema, local: z.literal(true), file: z.string() }),
    z.object({ command: z.literal('list'), local: z.literal(true), file: z.string() }),
  ],
  { error: 'the command must be invite or list' },
);

function main(): void {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      role: { type: 'string', default: 'viewer' },
      local: { type: 'boolean', default: false },
      file: { type: 'string', default: join(resolve(process.env.EIRLEAD_DATA_DIR || '.eirlead'), 'users.json') },
    },
  });
  const parsed = ArgsSchema.safeParse({ command: positionals[0], email: positionals[1], ...values });
  if (!parsed.success) {
    const local = parsed.error.issues.some((issue) => issue.path[0] === 'local');
    console.error(
      local
        ? 'users: only the local runtime’s user store exists so far; pass --local (Cognito invitations are not built yet)'
        : `users: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'command'}: ${issue.message}`).join('; ')}`,
    );
    process.exitCode = 2;
    return;
  }
  const store = new LocalUserStore(parsed.data.file);
  if (parsed.data.command === 'list') {
    for (const user of store.list()) console.log(`${user.email}\t${user.role}\t${user.totpSecret ? 'TOTP set up' : 'not signed in yet'}`);
    return;
  }
  const { user, temporaryPassword } = store.invite(parsed.data.email, parsed.data.role);
  console.log(`Invited ${user.email} as ${user.role} (local runtime, ${parsed.data.file}).`);
  console.log(`Temporary password: ${temporaryPassword}`);
  console.log('At the first sign-in they choose a new password and set up an authenticator app (TOTP).');
}

main();
