import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ConnectionSettings, SyncRun, SyncStatus } from '../../contracts/api/crm';
import type { CrmProvider } from '../../contracts/api/crm-lead';
import { keys, toEpochSeconds } from '../../contracts/table';
import type { SealedSecret } from '../kms/secret-box';
import { CrmGuardedWriter } from './crm-guard';

/**
 * A site's CRM connection, with its credentials sealed (functions/adapters/kms/secret-box.ts), its sync status and
 * its sync cursor. A connection lives as long as it is used: every sync moves its expiry `CONNECTION_DAYS` on, so
 * one left unused for a year disappears with its credentials.
 */
export const CONNECTION_DAYS = 365;
/** A cursor older than this is not resumed: a CRM's page tokens do not live that long. */
export const CURSOR_HOURS = 36;
const MAX_FAILURES = 10;

export interface StoredConnection {
  readonly siteId: string;
  readonly connectionId: string;
  readonly provider: CrmProvider;
  readonly account: { readonly id: string; readonly name?: string };
  /** What the connector's `verify` answered (field keys, UI URLs). */
  readonly state: Record<string, unknown>;
  readonly settings: ConnectionSettings;
  readonly sealed: SealedSecret;
  readonly lastFour: string;
  readonly credentialsSetAt: string;
  readonly createdAt: string;
  readonly status: 'active' | 'deleting';
  readonly expiresAt: number;
}

export type SyncFailure = SyncStatus['failures'][number];

export interface StoredStatus {
  readonly lastRun?: SyncRun;
  readonly lastSuccessAt?: string;
  readonly lastFullSyncAt?: string;
  /** When the last successful full sync began: accounts it did not see since are gone from the CRM. */
  readonly lastFullSyncStartedAt?: string;
  readonly lastMatchAt?: string;
  readonly queuedAt?: string;
  readonly failures: readonly SyncFailure[];
  readonly usage?: SyncStatus['usage'];
  readonly accounts: number;
}

export interface StoredCursor {
  readonly runId: string;
  readonly mode: SyncRun['mode'];
  readonly reason: SyncRun['reason'];
  readonly startedAt: string;
  readonly phase: 'accounts' | 'deals';
  readonly providerCursor?: string;
  readonly modifiedSince?: string;
  readonly read: SyncRun['read'];
  readonly written: SyncRun['written'];
  readonly apiCalls: number;
  readonly invocations: number;
  /** When an invocation last saved it: a cursor nobody saved for longer than a run's invocation is abandoned. */
  readonly updatedAt: string;
}

/** The secret a connection's credentials are sealed to: a sealed copy moved to another site or connection does not open. */
export const credentialsBinding = (siteId: string, connectionId: string): string => `crm:${siteId}:${connectionId}`;

export class CrmConnectionStore {
  private readonly guarded: CrmGuardedWriter;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.guarded = new CrmGuardedWriter(doc, tableName);
  }

  /** The site's connection, live or being deleted; undefined when none (or expired). */
  async get(siteId: string): Promise<StoredConnection | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.crmItem(siteId, 'CONNECTION'), ConsistentRead: true }));
    if (!Item || Number(Item.expiresAt) <= toEpochSeconds(this.clock())) return undefined;
    return Item as unknown as StoredConnection;
  }

  /** Whether an item (live or expired) occupies the slot: an expired connection must be erased before a new one. */
  async exists(siteId: string): Promise<boolean> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.crmItem(siteId, 'CONNECTION'), ConsistentRead: true, ProjectionExpression: 'pk' }));
    return Item !== undefined;
  }

  /** False when the site already has one. */
  async create(connection: Omit<StoredConnection, 'expiresAt' | 'status'>): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.crmItem(connection.siteId, 'CONNECTION'), ...connection, status: 'active', expiresAt: this.expiry() },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async replaceCredentials(siteId: string, connectionId: string, change: { sealed: SealedSecret; lastFour: string; state: Record<string, unknown>; account: StoredConnection['account'] }): Promise<boolean> {
    return this.update(siteId, connectionId, 'SET sealed = :sealed, lastFour = :lastFour, #cstate = :cstate, account = :account, credentialsSetAt = :now, expiresAt = :expiresAt', {
      ':sealed': change.sealed,
      ':lastFour': change.lastFour,
      ':cstate': change.state,
      ':account': change.account,
      ':now': this.clock().toISOString(),
      ':expiresAt': this.expiry(),
    });
  }

  async replaceSettings(siteId: string, connectionId: string, settings: ConnectionSettings, state: Record<string, unknown>): Promise<boolean> {
    return this.update(siteId, connectionId, 'SET settings = :settings, #cstate = :cstate', { ':settings': settings, ':cstate': state });
  }

  /** A sync ran: the connection is in use, and lives on. */
  async touch(siteId: string, connectionId: string): Promise<boolean> {
    return this.update(siteId, connectionId, 'SET expiresAt = :expiresAt', { ':expiresAt': this.expiry() });
  }

  /** The first step of a disconnect: from now on no guarded write of this connection succeeds. */
  async markDeleting(siteId: string, connectionId: string): Promise<boolean> {
    return this.update(siteId, connectionId, 'SET #status = :deleting', { ':deleting': 'deleting' }, { '#status': 'status' });
  }

  async status(siteId: string): Promise<StoredStatus | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.crmItem(siteId, 'STATUS'), ConsistentRead: true }));
    if (!Item || Number(Item.expiresAt) <= toEpochSeconds(this.clock())) return undefined;
    return Item.status as StoredStatus;
  }

  async putStatus(siteId: string, connectionId: string, status: StoredStatus): Promise<void> {
    const trimmed: StoredStatus = { ...status, failures: status.failures.slice(0, MAX_FAILURES) };
    await this.guarded.write(siteId, connectionId, [{ Put: { Item: { ...keys.crmItem(siteId, 'STATUS'), status: trimmed, expiresAt: this.expiry() } } }]);
  }

  async cursor(siteId: string): Promise<StoredCursor | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.crmItem(siteId, 'CURSOR'), ConsistentRead: true }));
    if (!Item || Number(Item.expiresAt) <= toEpochSeconds(this.clock())) return undefined;
    return Item.cursor as StoredCursor;
  }

  async putCursor(siteId: string, connectionId: string, cursor: StoredCursor): Promise<void> {
    const expiresAt = toEpochSeconds(this.clock()) + CURSOR_HOURS * 3600;
    await this.guarded.write(siteId, connectionId, [{ Put: { Item: { ...keys.crmItem(siteId, 'CURSOR'), cursor, expiresAt } } }]);
  }

  async deleteCursor(siteId: string, connectionId: string): Promise<void> {
    await this.guarded.write(siteId, connectionId, [{ Delete: { Key: keys.crmItem(siteId, 'CURSOR') } }]);
  }

  private expiry(): number {
    return toEpochSeconds(this.clock()) + CONNECTION_DAYS * 86_400;
  }

  private async update(siteId: string, connectionId: string, expression: string, values: Record<string, unknown>, names: Record<string, string> = {}): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.crmItem(siteId, 'CONNECTION'),
          UpdateExpression: expression,
          ConditionExpression: 'connectionId = :connection AND #active = :active',
          ExpressionAttributeNames: { '#active': 'status', ...(expression.includes('#cstate') ? { '#cstate': 'state' } : {}), ...names },
          ExpressionAttributeValues: { ':connection': connectionId, ':active': 'active', ...values },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
