import { randomBytes, randomUUID, scryptSync, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as z from 'zod';
import { RoleSchema, type Role } from '../../functions/contracts/api/dashboard';

/**
 * The local runtime's stand-in for the Cognito user pool: a JSON file (mode 0600) in the data directory, read on
 * every sign-in so that `npm run users -- invite … --local` works while `npm start` runs. Like Cognito it holds the
 * e-mail address as the sign-in name, a password hash (scrypt) and the TOTP secret; the table never does.
 */

const LocalUserSchema = z.object({
  userId: z.string(),
  email: z.string(),
  role: RoleSchema,
  passwordHash: z.string(),
  mustChangePassword: z.boolean(),
  totpSecret: z.string().optional(),
});
export type LocalUser = z.infer<typeof LocalUserSchema>;
const UsersFileSchema = z.object({ users: z.array(LocalUserSchema) });

/** scrypt with Node's defaults (N=16384, r=8, p=1), salt and hash in the string: `scrypt$salt$hash`. */
export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString('base64')}$${scryptSync(password, salt, 32).toString('base64')}`;
}

export function passwordMatches(password: string, stored: string): boolean {
  const [scheme, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  return timingSafeEqual(scryptSync(password, Buffer.from(salt, 'base64'), expected.length), expected);
}

/** The user pool's policy (lib/constructs/dashboard-app.ts): at least 12 characters, upper and lower case, a digit, a symbol. */
export function meetsPasswordPolicy(password: string): boolean {
  return password.length >= 12 && /[a-z]/.test(password) && /[A-Z]/.test(password) && /\d/.test(password) && /[^A-Za-z0-9]/.test(password);
}

/** A temporary password that meets the policy (the invite command prints it, for Cognito and the local store alike). */
export function temporaryPassword(): string {
  return `Tmp-${randomBytes(9).toString('base64url')}7a`;
}

export class LocalUserStore {
  private memory: LocalUser[] = [];

  /** `file` undefined: users live in memory only (an in-memory runtime). */
  constructor(private readonly file?: string) {}

  list(): LocalUser[] {
    if (!this.file) return [...this.memory];
    if (!existsSync(this.file)) return [];
    return UsersFileSchema.parse(JSON.parse(readFileSync(this.file, 'utf8'))).users;
  }

  findByEmail(email: string): LocalUser | undefined {
    const wanted = email.trim().toLowerCase();
    return this.list().find((user) => user.email === wanted);
  }

  findById(userId: string): LocalUser | undefined {
    return this.list().find((user) => user.userId === userId);
  }

  /** Creates a user with a temporary password that must be changed at first sign-in, then TOTP set up. */
  invite(email: string, role: Role): { user: LocalUser; temporaryPassword: string } {
    const normalised = email.trim().toLowerCase();
    if (!z.email().safeParse(normalised).success) throw new Error(`${email} is not an e-mail address`);
    if (this.findByEmail(normalised)) throw new Error(`A user with that e-mail address exists already`);
    const password = temporaryPassword();
    const user: LocalUser = { userId: randomUUID(), email: normalised, role, passwordHash: hashPassword(password), mustChangePassword: true };
    this.write([...this.list(), user]);
    return { user, temporaryPassword: password };
  }

  update(user: LocalUser): void {
    this.write(this.list().map((candidate) => (candidate.userId === user.userId ? user : candidate)));
  }

  private write(users: LocalUser[]): void {
    if (!this.file) {
      this.memory = users;
      return;
    }
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    const temporary = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify({ users }, null, 2)}\n`, { mode: 0o600 });
    renameSync(temporary, this.file);
  }
}
