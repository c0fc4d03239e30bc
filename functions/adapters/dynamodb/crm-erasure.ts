import { setTimeout as sleep } from 'node:timers/promises';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CRM_ACCOUNT_SHARDS, keys } from '../../contracts/table';
import { queryPages } from './query';

/**
 * Deletes everything of a site's CRM connection at once, not left to TTL: the copy (every shard), the links, and the
 * connection's own partition (manual links, push records, status, cursor, and the connection with its sealed
 * credentials, last). Expired items are deleted too: TTL would remove them only within days. The caller marks the
 * connection `deleting` first (CrmConnectionStore.markDeleting), so no sync or push adds anything meanwhile.
 */
export interface CrmDeletionCounts {
  readonly accounts: number;
  readonly links: number;
  readonly manualLinks: number;
  readonly pushRecords: number;
  readonly other: number;
}

const MAX_ATTEMPTS = 10;

export const NO_DELETIONS: CrmDeletionCounts = { accounts: 0, links: 0, manualLinks: 0, pushRecords: 0, other: 0 };

export function addCounts(a: CrmDeletionCounts, b: CrmDeletionCounts): CrmDeletionCounts {
  return { accounts: a.accounts + b.accounts, links: a.links + b.links, manualLinks: a.manualLinks + b.manualLinks, pushRecords: a.pushRecords + b.pushRecords, other: a.other + b.other };
}

/** How far a deletion got: `done` once the connection item itself is gone; otherwise call again to go on. */
export interface CrmDeletionProgress {
  readonly deleted: CrmDeletionCounts;
  readonly done: boolean;
}

export class CrmErasure {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Epoch milliseconds, for the deadline. */
    readonly nowMs: () => number = Date.now,
  ) {}

  /**
   * Deletes until `deadlineMs` (epoch milliseconds) at the latest, between batches of 25: a copy of 50,000
   * accounts takes seconds on DynamoDB, more than an API call may on a slow one. Each call starts from what is left.
   */
  async deleteEverything(siteId: string, deadlineMs = Number.POSITIVE_INFINITY): Promise<CrmDeletionProgress> {
    const inTime = () => this.nowMs() < deadlineMs;
    const shards = await Promise.all(Array.from({ length: CRM_ACCOUNT_SHARDS }, (_, shard) => this.deletePartition(keys.crmAccountPartition(siteId, shard), inTime)));
    const links = await this.deletePartition(keys.crmLinkPartition(siteId), inTime);
    const copyGone = [...shards, links].every((partition) => partition.done);
    const ownRead = copyGone && inTime();
    const own = ownRead ? await this.keysOf(keys.crmPartition(siteId)) : [];
    // The connection goes last: while it exists (marked deleting), a later call finds this work to finish.
    const ordered = [...own.filter((key) => key.sk !== 'CONNECTION'), ...own.filter((key) => key.sk === 'CONNECTION')];
    const deletedOwn = ordered.slice(0, await this.deleteKeys(ordered, inTime));
    const deleted = {
      accounts: shards.reduce((sum, partition) => sum + partition.deleted, 0),
      links: links.deleted,
      manualLinks: deletedOwn.filter((key) => key.sk.startsWith('MANUAL#')).length,
      pushRecords: deletedOwn.filter((key) => key.sk.startsWith('PUSH#')).length,
      other: deletedOwn.filter((key) => !key.sk.startsWith('MANUAL#') && !key.sk.startsWith('PUSH#')).length,
    };
    return { deleted, done: ownRead && deletedOwn.length === own.length };
  }

  private async deletePartition(pk: string, inTime: () => boolean): Promise<{ deleted: number; done: boolean }> {
    const itemKeys = await this.keysOf(pk);
    const deleted = await this.deleteKeys(itemKeys, inTime);
    return { deleted, done: deleted === itemKeys.length };
  }

  private async keysOf(pk: string): Promise<{ pk: string; sk: string }[]> {
    const found: { pk: string; sk: string }[] = [];
    for await (const page of queryPages(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ProjectionExpression: 'pk, sk',
      ConsistentRead: true,
    })) {
      for (const item of page) found.push({ pk: String(item.pk), sk: String(item.sk) });
    }
    return found;
  }

  /** Deletes the keys in batches of 25 while `inTime`; answers how many (a prefix of `itemKeys`). */
  private async deleteKeys(itemKeys: readonly { pk: string; sk: string }[], inTime: () => boolean): Promise<number> {
    for (let start = 0; start < itemKeys.length; start += 25) {
      if (!inTime()) return start;
      let pending: Record<string, unknown>[] = itemKeys.slice(start, start + 25).map((Key) => ({ DeleteRequest: { Key } }));
      for (let attempt = 1; pending.length > 0; attempt++) {
        const result = await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }));
        pending = (result.UnprocessedItems?.[this.tableName] ?? []) as Record<string, unknown>[];
        if (pending.length > 0) {
          if (attempt >= MAX_ATTEMPTS) throw new Error(`DynamoDB left ${pending.length} deletes unprocessed; disconnect again to finish`);
          await sleep(Math.random() * 25 * 2 ** attempt);
        }
      }
    }
    return itemKeys.length;
  }
}
