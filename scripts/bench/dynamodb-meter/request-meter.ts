/** Meters one data-plane request: forwards it and adds the units its items cost (the rules: ../dynamodb-meter.ts). */
import {
  attributeSizes,
  indexWriteUnits,
  itemReadUnits,
  itemSize,
  queryReadUnits,
  writeUnits,
  type Item,
  type KeyNames,
} from '../capacity-units';
import { errorType, parseJson, type ProxiedRequest, type UpstreamResponse } from '../metering-proxy';
import type { MeterAccounts } from './accounts';
import type { KeyedLock } from './keyed-lock';
import type { MeterLookups } from './lookups';
import { batchWrites, beforeFilter, lockKey, plannedWrites, type BatchWriteRequest, type Json, type KeyList } from './requests';

/** One item write as the table saw it: the item before and after (for estimates of other item forms). */
export interface RecordedWrite {
  readonly kind: string;
  readonly before?: Item;
  readonly after: Item;
}

export interface MeterContext {
  readonly accounts: MeterAccounts;
  readonly locks: KeyedLock;
  readonly lookups: MeterLookups;
  readonly onWrite?: (write: RecordedWrite) => void;
}

/** An item's kind: its sort key up to the first `#` (`LEAD`, `VISIT`, …). */
const itemKind = (item: Item): string => {
  const sk = item.sk as { S?: string } | undefined;
  return sk?.S?.split('#')[0] ?? '?';
};

export class RequestMeter {
  constructor(
    private readonly context: MeterContext,
    private readonly operation: string,
    private readonly request: ProxiedRequest,
    private readonly body: Json,
    private readonly forward: () => Promise<UpstreamResponse>,
  ) {}

  async writes(): Promise<void> {
    const { accounts, locks, lookups } = this.context;
    const keysOf = (table: string) => this.keysOf(table);
    const planned = await plannedWrites(this.operation, this.body, keysOf);
    const lockKeys = planned.map((write) => lockKey(write.table, write.key));
    await locks.run(lockKeys, async () => {
      const headers = this.request.headers;
      const befores = await Promise.all(planned.map((write) => lookups.currentItem(write.table, write.key, headers)));
      const response = await this.forward();
      const json = parseJson(response);
      const error = errorType(response.status, json);
      const transactional = this.operation === 'TransactWriteItems';
      if (error === 'ConditionalCheckFailedException') {
        accounts.count('conditionalCheckFailures');
        accounts.count('writeRequests');
        accounts.addWrite(this.operation, writeUnits({ before: befores[0] }), 0, []);
        return;
      }
      if (error === 'TransactionCanceledException') {
        accounts.count('cancelledTransactions');
        return;
      }
      if (error) return;
      const unprocessed = new Set(
        (await batchWrites((json.UnprocessedItems ?? {}) as Record<string, BatchWriteRequest[]>, keysOf)).map((write) =>
          lockKey(write.table, write.key),
        ),
      );
      for (const [index, write] of planned.entries()) {
        if (unprocessed.has(lockKey(write.table, write.key))) continue;
        const before = befores[index];
        const after = write.check ? before : await lookups.currentItem(write.table, write.key, headers);
        const { indexes } = await lookups.schemaOf(write.table, headers);
        const perIndex = write.check
          ? []
          : indexes.map((schema) => [`${write.table}/${schema.name}`, indexWriteUnits(schema, before, after)] as const);
        accounts.count('writeRequests');
        if (after && !write.check) accounts.addWrittenItem(itemKind(after), attributeSizes(after));
        if (after && !write.check) this.context.onWrite?.({ kind: itemKind(after), ...(before ? { before } : {}), after });
        accounts.addWrite(
          this.operation,
          writeUnits(write.check ? { before, transactional } : { before, after, transactional }),
          perIndex.reduce((sum, [, units]) => sum + units, 0),
          perIndex,
        );
      }
    });
  }

  async itemReads(): Promise<void> {
    const { accounts, lookups } = this.context;
    const response = await this.forward();
    const json = parseJson(response);
    if (errorType(response.status, json)) return;
    const headers = this.request.headers;
    if (this.operation === 'GetItem') {
      const table = this.body.TableName as string;
      const consistent = this.body.ConsistentRead === true;
      const projected = this.body.ProjectionExpression !== undefined || this.body.AttributesToGet !== undefined;
      const item = projected
        ? await lookups.currentItem(table, this.body.Key as Item, headers)
        : (json.Item as Item | undefined);
      accounts.addRead(this.operation, table, itemReadUnits([itemSize(item)], { consistent }), consistent, 1);
      return;
    }
    const requested = (this.body.RequestItems ?? {}) as Record<string, KeyList>;
    const unprocessed = (json.UnprocessedKeys ?? {}) as Record<string, KeyList>;
    for (const [table, { Keys = [], ConsistentRead }] of Object.entries(requested)) {
      const skipped = new Set((unprocessed[table]?.Keys ?? []).map((key) => lockKey(table, key)));
      const processed = Keys.filter((key) => !skipped.has(lockKey(table, key)));
      const items = await Promise.all(processed.map((key) => lookups.currentItem(table, key, headers)));
      const consistent = ConsistentRead === true;
      accounts.addRead(this.operation, table, itemReadUnits(items.map(itemSize), { consistent }), consistent, processed.length);
    }
  }

  async queryOrScan(): Promise<void> {
    const { accounts, lookups } = this.context;
    const response = await this.forward();
    const json = parseJson(response);
    if (errorType(response.status, json)) return;
    const replay = beforeFilter(this.body);
    let items = (json.Items ?? []) as Item[];
    if (replay) {
      const replayed = await lookups.call(this.operation, replay, this.request.headers);
      items = (replayed.Items ?? []) as Item[];
      if (items.length !== json.ScannedCount) accounts.count('filterReplayMismatches');
    }
    const table = this.body.TableName as string;
    const target = typeof this.body.IndexName === 'string' ? `${table}/${this.body.IndexName}` : table;
    const consistent = this.body.ConsistentRead === true;
    accounts.addRead(this.operation, target, queryReadUnits(items.map(itemSize), { consistent }), consistent, 1);
  }

  private async keysOf(table: string): Promise<KeyNames> {
    return (await this.context.lookups.schemaOf(table, this.request.headers)).keys;
  }
}
