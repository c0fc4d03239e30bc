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

export class CrmErasure {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async deleteEverything(siteId: string): Promise<CrmDeletionCounts> {
    const shards = await Promise.all(Array.from({ length: CRM_ACCOUNT_SHARDS }, (_, shard) => this.deletePartition(keys.crmAccountPartition(siteId, shard))));
    const links = await this.deletePartition(keys.crmLinkPartition(siteId));
    const own = await this.keysOf(keys.crmPartition(siteId));
    // The connection goes last: while it exists (marked deleting), a retried disconnect finds this work to finish.
    const ordered = [...own.filter((key) => key.sk !== 'CONNECTION'), ...own.filter((key) => key.sk === 'CONNECTION')];
    await this.deleteKeys(ordered);
    return {
      accounts: shards.reduce((sum, count) => sum + count, 0),
      links,
      manualLinks: own.filter((key) => key.sk.startsWith('MANUAL#')).length,
      pushRecords: own.filter((key) => key.sk.startsWith('PUSH#')).length,
      other: own.filter((key) => !key.sk.startsWith('MANUAL#') && !key.sk.startsWith('PUSH#')).length,
    };
  }

  private async deletePartition(pk: string): Promise<number> {
    const itemKeys = await this.keysOf(pk);
    await this.deleteKeys(itemKeys);
    return itemKeys.length;
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

  private async deleteKeys(itemKeys: readonly { pk: string; sk: string }[]): Promise<void> {
    for (let start = 0; start < itemKeys.length; start += 25) {
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
  }
}
