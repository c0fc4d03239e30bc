import { setTimeout as sleep } from 'node:timers/promises';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../contracts/table';

/**
 * Every write of CRM data (the copy, links, status, push records) is a transaction that also checks that its
 * connection still exists and is active. A disconnect first marks the connection `deleting`, then deletes
 * everything: a sync or push still running can then write nothing more, not even in the moment between the
 * deletion's reads and its deletes, so nothing of a deleted connection is left behind. DynamoDB bills a
 * transactional write twice (docs/crm.md has the figures); DynamoDB Local and DynamoDB behave alike here.
 */

export type GuardedWrite =
  | { readonly Put: { readonly Item: Record<string, unknown> } }
  | { readonly Delete: { readonly Key: { pk: string; sk: string } } };

/** The connection was deleted (or replaced) while this work ran; its results are dropped. */
export class ConnectionGoneError extends Error {
  constructor(siteId: string) {
    super(`The CRM connection of site ${siteId} is gone or being deleted`);
    this.name = 'ConnectionGoneError';
  }
}

/** A transaction holds at most 100 actions: 99 writes and the check. */
const WRITES_PER_TRANSACTION = 99;
const PARALLEL_TRANSACTIONS = 4;
const CONFLICT_RETRIES = 5;

export class CrmGuardedWriter {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async write(siteId: string, connectionId: string, writes: readonly GuardedWrite[]): Promise<void> {
    const chunks: GuardedWrite[][] = [];
    for (let i = 0; i < writes.length; i += WRITES_PER_TRANSACTION) chunks.push(writes.slice(i, i + WRITES_PER_TRANSACTION));
    let next = 0;
    const worker = async () => {
      while (next < chunks.length) await this.transact(siteId, connectionId, chunks[next++] ?? []);
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_TRANSACTIONS, chunks.length) }, worker));
  }

  private async transact(siteId: string, connectionId: string, writes: readonly GuardedWrite[]): Promise<void> {
    const check = {
      ConditionCheck: {
        TableName: this.tableName,
        Key: keys.crmItem(siteId, 'CONNECTION'),
        ConditionExpression: 'connectionId = :connection AND #status = :active',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':connection': connectionId, ':active': 'active' },
      },
    };
    const items = writes.map((write) => ('Put' in write ? { Put: { TableName: this.tableName, Item: write.Put.Item } } : { Delete: { TableName: this.tableName, Key: write.Delete.Key } }));
    for (let attempt = 1; ; attempt++) {
      try {
        await this.doc.send(new TransactWriteCommand({ TransactItems: [check, ...items] }));
        return;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        const reasons = error.CancellationReasons ?? [];
        if (reasons[0]?.Code === 'ConditionalCheckFailed') throw new ConnectionGoneError(siteId);
        // Another transaction touched one of the items at the same moment: retry after a short, jittered wait.
        if (attempt >= CONFLICT_RETRIES || !reasons.some((reason) => reason.Code === 'TransactionConflict')) throw error;
        await sleep(Math.random() * 50 * 2 ** attempt);
      }
    }
  }
}
