import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { CRM_ACCOUNT_SHARDS, keys, toEpochSeconds } from '../../contracts/table';
import type { CrmAccount, OpenDealsTotal } from '../../domain/crm/model';
import { CrmGuardedWriter } from './crm-guard';
import { queryPages } from './query';

/**
 * The synced copy of a CRM's accounts: what matching needs and nothing more (functions/domain/crm/model.ts),
 * encrypted at rest with the project key like the whole table. Each item expires `copyDays` after the sync that
 * wrote it, so a copy that is no longer synced vanishes on its own; reads skip expired items.
 */
export interface CopiedAccount extends CrmAccount {
  /** Open deals as the deals phase summed them (absent: none open). */
  readonly deals?: OpenDealsTotal;
  /** When a sync last wrote it. */
  readonly syncedAt: string;
}

/** Bounds an item whatever a CRM sends: names, URLs and domains are cut, at most 10 domains are kept. */
const MAX_TEXT = 300;
const MAX_DOMAINS = 10;

export class CrmCopyStore {
  private readonly guarded: CrmGuardedWriter;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.guarded = new CrmGuardedWriter(doc, tableName);
  }

  async put(siteId: string, connectionId: string, accounts: readonly CopiedAccount[], copyDays: number): Promise<void> {
    const expiresAt = toEpochSeconds(this.clock()) + copyDays * 86_400;
    await this.guarded.write(
      siteId,
      connectionId,
      accounts.map((account) => ({ Put: { Item: { ...keys.crmAccount(siteId, account.accountId), ...bounded(account), expiresAt } } })),
    );
  }

  async get(siteId: string, accountId: string): Promise<CopiedAccount | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.crmAccount(siteId, accountId) }));
    return Item && this.isLive(Item) ? toAccount(Item) : undefined;
  }

  /** Every live account, shard by shard; `syncedSince` leaves out accounts a full sync no longer found. */
  async all(siteId: string, syncedSince?: string): Promise<CopiedAccount[]> {
    const shards = await Promise.all(
      Array.from({ length: CRM_ACCOUNT_SHARDS }, async (_, shard) => {
        const accounts: CopiedAccount[] = [];
        for await (const page of queryPages(this.doc, {
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.crmAccountPartition(siteId, shard) },
        })) {
          for (const item of page) {
            if (!this.isLive(item)) continue;
            const account = toAccount(item);
            if (syncedSince === undefined || account.syncedAt >= syncedSince) accounts.push(account);
          }
        }
        return accounts;
      }),
    );
    return shards.flat();
  }

  private isLive(item: Record<string, unknown>): boolean {
    return Number(item.expiresAt) > toEpochSeconds(this.clock());
  }
}

function bounded(account: CopiedAccount): CopiedAccount {
  const cut = (text: string) => (text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text);
  return {
    ...account,
    name: cut(account.name),
    url: cut(account.url),
    domains: account.domains.slice(0, MAX_DOMAINS).map(cut),
    ...(account.owner ? { owner: { id: cut(account.owner.id), ...(account.owner.name ? { name: cut(account.owner.name) } : {}) } } : {}),
  };
}

function toAccount(item: Record<string, unknown>): CopiedAccount {
  const { pk: _pk, sk: _sk, expiresAt: _expiresAt, ...account } = item;
  return account as unknown as CopiedAccount;
}
