import { createHash, randomBytes } from 'node:crypto';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { ApiScopeSchema } from '../../contracts/api/api-keys';
import { PENDING_SIGN_IN_MINUTES, RoleSchema, SESSION_HOURS } from '../../contracts/api/dashboard';
import { SiteIdSchema } from '../../contracts/deployment-config';
import { keys, toEpochSeconds } from '../../contracts/table';

/**
 * People's dashboard sessions and sign-ins in progress. The browser holds only a random token in an HttpOnly
 * cookie; the table holds its SHA-256 hash (a 256-bit random value needs no slow hash), so a copy of the table
 * cannot be replayed as cookies. No identity-provider token and no e-mail address is stored: only the provider's
 * user id, the role and the sites.
 */

export const SessionSchema = z.object({
  userId: z.string().min(1).max(128),
  role: RoleSchema,
  sites: z.array(z.union([SiteIdSchema, z.literal('*')])).min(1),
  scopes: z.array(ApiScopeSchema),
  /** Signed in with the local runtime's LOCAL_API_KEY: never true on AWS, where no local provider exists. */
  localOnly: z.boolean(),
});
export type Session = z.infer<typeof SessionSchema>;

/** Where a sign-in stands between two form posts; `challenge` is the identity provider's opaque session. */
export const PendingSignInSchema = z.object({
  step: z.enum(['mfa', 'mfa-setup', 'new-password']),
  /** The provider's user name for the challenge answer (Cognito: the user's sub, not the e-mail address). */
  username: z.string().min(1).max(128),
  challenge: z.string().max(8192),
});
export type PendingSignIn = z.infer<typeof PendingSignInSchema>;

const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');
const newToken = (): string => randomBytes(32).toString('base64url');
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export class SessionStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** A new session; returns the cookie value and when it ends. */
  async create(session: Session): Promise<{ token: string; expiresAt: Date }> {
    const token = newToken();
    const now = this.clock();
    const expiresAt = new Date(now.getTime() + SESSION_HOURS * 3_600_000);
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.session(hashToken(token)), ...SessionSchema.parse(session), createdAt: now.toISOString(), expiresAt: toEpochSeconds(expiresAt) },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return { token, expiresAt };
  }

  /** The session of a cookie value, or undefined when unknown, ended or expired (TTL deletes lazily). */
  async find(token: string): Promise<Session | undefined> {
    if (!TOKEN_SHAPE.test(token)) return undefined;
    const { Item: item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.session(hashToken(token)), ConsistentRead: true }));
    if (!item || Number(item.expiresAt) <= toEpochSeconds(this.clock())) return undefined;
    const parsed = SessionSchema.safeParse(item);
    return parsed.success ? parsed.data : undefined;
  }

  async end(token: string): Promise<void> {
    if (!TOKEN_SHAPE.test(token)) return;
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: keys.session(hashToken(token)) }));
  }

  async startSignIn(pending: PendingSignIn): Promise<string> {
    const token = newToken();
    const now = this.clock();
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.pendingSignIn(hashToken(token)),
          ...PendingSignInSchema.parse(pending),
          expiresAt: toEpochSeconds(now) + PENDING_SIGN_IN_MINUTES * 60,
        },
      }),
    );
    return token;
  }

  /** Takes the pending sign-in (each step is answered once: a replayed form post finds nothing). */
  async takeSignIn(token: string): Promise<PendingSignIn | undefined> {
    if (!TOKEN_SHAPE.test(token)) return undefined;
    const { Attributes: item } = await this.doc.send(
      new DeleteCommand({ TableName: this.tableName, Key: keys.pendingSignIn(hashToken(token)), ReturnValues: 'ALL_OLD' }),
    );
    if (!item || Number(item.expiresAt) <= toEpochSeconds(this.clock())) return undefined;
    const parsed = PendingSignInSchema.safeParse(item);
    return parsed.success ? parsed.data : undefined;
  }
}
