/**
 * A metering proxy in front of DynamoDB Local. DynamoDB Local's ReturnConsumedCapacity does not match real
 * DynamoDB, so the meter works out the request units real DynamoDB would charge from item sizes (capacity-units.ts):
 *
 * - Writes (PutItem, UpdateItem, DeleteItem, each item of BatchWriteItem and TransactWriteItems): it reads the
 *   before-image with a consistent GetItem sent straight to DynamoDB Local (not metered), forwards the request,
 *   then reads the after-image. Writes to the same item are serialised inside the meter, so the two images belong
 *   to the write between them as long as every writer goes through the meter.
 * - A failed conditional write is charged the size of the existing item, or 1 unit without one, and changes no
 *   index ("Capacity Unit Consumption for Writes" in awsdocs/amazon-dynamodb-developer-guide
 *   doc_source/CapacityUnitCalculations.md, the page now at
 *   https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html).
 * - A cancelled TransactWriteItems is counted in `cancelledTransactions` and charged nothing: AWS documents no
 *   charge for it and real DynamoDB returns no ConsumedCapacity for one
 *   (https://github.com/paritysuite/dynamodb-conformance/pull/67, measured against DynamoDB in eu-west-2).
 *   A ConditionCheck in a committed transaction is charged as a transactional write of the item: the same
 *   measurements found 2 WCU for a small item, billed as write capacity.
 * - GetItem/BatchGetItem: each item is rounded up on its own, from its full size even when a projection was asked
 *   ("requesting a subset of attributes ... has no impact on the item size calculations"), so a projected read is
 *   measured with a GetItem of the whole item.
 * - Query/Scan are charged for every item read before the filter. DynamoDB Local does not say which items a filter
 *   hid, so when the request has a filter, a projection or a Select other than all attributes, the meter sends the
 *   same request again without them (same key condition, Limit, ExclusiveStartKey and IndexName, Select
 *   ALL_ATTRIBUTES on a table and ALL_PROJECTED_ATTRIBUTES on an index) and measures the items that returns.
 *   When that replay returns a different number of items than the original ScannedCount (a concurrent write in
 *   between) it is counted in `filterReplayMismatches`.
 *
 * Not metered (counted in `unmeteredRequests`): TransactGetItems and the PartiQL operations, which the app does not
 * use. Control-plane operations (CreateTable, DescribeTable, ...) are counted but cost no request units.
 */
import type { IncomingHttpHeaders } from 'node:http';
import {
  indexWriteUnits,
  itemReadUnits,
  itemSize,
  queryReadUnits,
  writeUnits,
  type IndexSchema,
  type Item,
  type KeyNames,
  type Projection,
} from './capacity-units';
import {
  errorType,
  parseJson,
  startMeteringProxy,
  type ProxiedRequest,
  type UpstreamResponse,
} from './metering-proxy';

export interface DynamoDbMeterOptions {
  /** DynamoDB Local's endpoint. */
  readonly upstream: string;
}

export interface OperationTotals {
  readonly requests: number;
  readonly writeUnits: number;
  readonly indexWriteUnits: number;
  readonly readUnits: number;
}

export interface DynamoDbMeterTotals {
  /** Per DynamoDB operation as the client sent it. */
  readonly byOperation: Readonly<Record<string, OperationTotals>>;
  /** Item-level writes: each put, update, delete or condition check, also inside batches and transactions. */
  readonly writeRequests: number;
  /** Reads: each GetItem, each key of a BatchGetItem, each Query or Scan page. */
  readonly readRequests: number;
  /** Write request units of the tables. */
  readonly writeUnits: number;
  /** Write request units of the secondary indexes; billed on top of `writeUnits`. */
  readonly indexWriteUnits: number;
  /** Per index, as `table/index`. */
  readonly indexWriteUnitsByIndex: Readonly<Record<string, number>>;
  /** Read request units, tables and indexes together. */
  readonly readUnits: number;
  /** Read request units per read target: the table name, or `table/index`. */
  readonly readUnitsByTarget: Readonly<Record<string, number>>;
  readonly consistentReads: number;
  readonly conditionalCheckFailures: number;
  readonly cancelledTransactions: number;
  readonly filterReplayMismatches: number;
  readonly unmeteredRequests: number;
  /** Metering failures: the requests went through, but the figures above miss them. A benchmark should refuse to report. */
  readonly errors: readonly string[];
}

export interface DynamoDbMeter {
  /** Point the DynamoDB client here instead of at DynamoDB Local. */
  readonly endpoint: string;
  totals(): DynamoDbMeterTotals;
  reset(): void;
  /**
   * While off, requests pass straight through, unmetered: the meter's own reads (before and after each write)
   * would otherwise slow the pipeline whose latency is being measured.
   */
  setMetering(on: boolean): void;
  stop(): Promise<void>;
}

const PREFIX = 'DynamoDB_20120810.';
const SCHEMA_CHANGES = new Set(['CreateTable', 'DeleteTable', 'UpdateTable']);
const UNMETERED = new Set(['TransactGetItems', 'ExecuteStatement', 'BatchExecuteStatement', 'ExecuteTransaction']);

interface TableSchema {
  readonly keys: KeyNames;
  readonly indexes: readonly IndexSchema[];
}

/** One item-level write, as far as the meter needs it. */
interface ItemWrite {
  readonly table: string;
  readonly key: Item;
  /** A ConditionCheck of a transaction: charged, but writes nothing. */
  readonly check: boolean;
}

type Json = Record<string, unknown>;
type KeyList = { Keys?: Item[]; ConsistentRead?: boolean };

export async function startDynamoDbMeter({ upstream }: DynamoDbMeterOptions): Promise<DynamoDbMeter> {
  let totals = emptyTotals();
  const schemas = new Map<string, Promise<TableSchema>>();
  const locks = new KeyedLock();
  let metering = true;

  const proxy = await startMeteringProxy({
    upstream,
    onError: (error) => totals.errors.push(error instanceof Error ? error.message : String(error)),
    handle: async (request, forward) => {
      if (!metering) {
        await forward();
        return;
      }
      const target = request.target ?? 'unknown';
      const operation = target.startsWith(PREFIX) ? target.slice(PREFIX.length) : target;
      tally(operation).requests += 1;
      const body = request.body.length > 0 ? (JSON.parse(request.body.toString('utf8')) as Json) : {};
      const meter = new RequestMeter(operation, request, body, forward);
      switch (operation) {
        case 'PutItem':
        case 'UpdateItem':
        case 'DeleteItem':
        case 'BatchWriteItem':
        case 'TransactWriteItems':
          return meter.writes();
        case 'GetItem':
        case 'BatchGetItem':
          return meter.itemReads();
        case 'Query':
        case 'Scan':
          return meter.queryOrScan();
        default:
          if (SCHEMA_CHANGES.has(operation) && typeof body.TableName === 'string') schemas.delete(body.TableName);
          if (UNMETERED.has(operation)) totals.unmeteredRequests += 1;
          await forward();
      }
    },
  });

  function tally(operation: string): MutableOperationTotals {
    return (totals.byOperation[operation] ??= { requests: 0, writeUnits: 0, indexWriteUnits: 0, readUnits: 0 });
  }

  /** The meter's own calls, straight to DynamoDB Local under the caller's identity; a failure is a metering error. */
  async function call(target: string, payload: Json, headers: IncomingHttpHeaders): Promise<Json> {
    const { status, json } = await proxy.upstream.callJson(PREFIX + target, payload, headers);
    if (status !== 200) throw new Error(`meter ${target} failed with ${status}: ${JSON.stringify(json)}`);
    return json;
  }

  function schemaOf(table: string, headers: IncomingHttpHeaders): Promise<TableSchema> {
    let schema = schemas.get(table);
    if (!schema) {
      schema = call('DescribeTable', { TableName: table }, headers).then((json) => parseSchema(json));
      // A failed lookup must not stick: the next request tries again.
      schema.catch(() => schemas.delete(table));
      schemas.set(table, schema);
    }
    return schema;
  }

  async function currentItem(table: string, key: Item, headers: IncomingHttpHeaders): Promise<Item | undefined> {
    const json = await call('GetItem', { TableName: table, Key: key, ConsistentRead: true }, headers);
    return json.Item as Item | undefined;
  }

  class RequestMeter {
    constructor(
      private readonly operation: string,
      private readonly request: ProxiedRequest,
      private readonly body: Json,
      private readonly forward: () => Promise<UpstreamResponse>,
    ) {}

    async writes(): Promise<void> {
      const planned = await this.plannedWrites();
      const lockKeys = planned.map((write) => lockKey(write.table, write.key));
      await locks.run(lockKeys, async () => {
        const headers = this.request.headers;
        const befores = await Promise.all(planned.map((write) => currentItem(write.table, write.key, headers)));
        const response = await this.forward();
        const json = parseJson(response);
        const error = errorType(response.status, json);
        const transactional = this.operation === 'TransactWriteItems';
        if (error === 'ConditionalCheckFailedException') {
          totals.conditionalCheckFailures += 1;
          totals.writeRequests += 1;
          this.addWrite(writeUnits({ before: befores[0] }), 0, []);
          return;
        }
        if (error === 'TransactionCanceledException') {
          totals.cancelledTransactions += 1;
          return;
        }
        if (error) return;
        const unprocessed = new Set(
          (await this.batchWrites((json.UnprocessedItems ?? {}) as Record<string, BatchWriteRequest[]>)).map((write) =>
            lockKey(write.table, write.key),
          ),
        );
        for (const [index, write] of planned.entries()) {
          if (unprocessed.has(lockKey(write.table, write.key))) continue;
          const before = befores[index];
          const after = write.check ? before : await currentItem(write.table, write.key, headers);
          const { indexes } = await schemaOf(write.table, headers);
          const perIndex = write.check
            ? []
            : indexes.map((schema) => [`${write.table}/${schema.name}`, indexWriteUnits(schema, before, after)] as const);
          totals.writeRequests += 1;
          this.addWrite(
            writeUnits(write.check ? { before, transactional } : { before, after, transactional }),
            perIndex.reduce((sum, [, units]) => sum + units, 0),
            perIndex,
          );
        }
      });
    }

    async itemReads(): Promise<void> {
      const response = await this.forward();
      const json = parseJson(response);
      if (errorType(response.status, json)) return;
      const headers = this.request.headers;
      if (this.operation === 'GetItem') {
        const table = this.body.TableName as string;
        const consistent = this.body.ConsistentRead === true;
        const projected = this.body.ProjectionExpression !== undefined || this.body.AttributesToGet !== undefined;
        const item = projected
          ? await currentItem(table, this.body.Key as Item, headers)
          : (json.Item as Item | undefined);
        this.addRead(table, itemReadUnits([itemSize(item)], { consistent }), consistent, 1);
        return;
      }
      const requested = (this.body.RequestItems ?? {}) as Record<string, KeyList>;
      const unprocessed = (json.UnprocessedKeys ?? {}) as Record<string, KeyList>;
      for (const [table, { Keys = [], ConsistentRead }] of Object.entries(requested)) {
        const skipped = new Set((unprocessed[table]?.Keys ?? []).map((key) => lockKey(table, key)));
        const processed = Keys.filter((key) => !skipped.has(lockKey(table, key)));
        const items = await Promise.all(processed.map((key) => currentItem(table, key, headers)));
        const consistent = ConsistentRead === true;
        this.addRead(table, itemReadUnits(items.map(itemSize), { consistent }), consistent, processed.length);
      }
    }

    async queryOrScan(): Promise<void> {
      const response = await this.forward();
      const json = parseJson(response);
      if (errorType(response.status, json)) return;
      const replay = beforeFilter(this.body);
      let items = (json.Items ?? []) as Item[];
      if (replay) {
        const replayed = await call(this.operation, replay, this.request.headers);
        items = (replayed.Items ?? []) as Item[];
        if (items.length !== json.ScannedCount) totals.filterReplayMismatches += 1;
      }
      const table = this.body.TableName as string;
      const target = typeof this.body.IndexName === 'string' ? `${table}/${this.body.IndexName}` : table;
      const consistent = this.body.ConsistentRead === true;
      this.addRead(target, queryReadUnits(items.map(itemSize), { consistent }), consistent, 1);
    }

    private async plannedWrites(): Promise<ItemWrite[]> {
      const body = this.body;
      const keyOf = async (table: string, item: Item) => pickKey((await schemaOf(table, this.request.headers)).keys, item);
      switch (this.operation) {
        case 'PutItem': {
          const table = body.TableName as string;
          return [{ table, key: await keyOf(table, body.Item as Item), check: false }];
        }
        case 'UpdateItem':
        case 'DeleteItem':
          return [{ table: body.TableName as string, key: body.Key as Item, check: false }];
        case 'BatchWriteItem':
          return this.batchWrites((body.RequestItems ?? {}) as Record<string, BatchWriteRequest[]>);
        default: {
          const actions = (body.TransactItems ?? []) as TransactWriteAction[];
          return Promise.all(
            actions.map(async (action) => {
              if (action.Put) {
                return { table: action.Put.TableName, key: await keyOf(action.Put.TableName, action.Put.Item), check: false };
              }
              const keyed = (action.Update ?? action.Delete ?? action.ConditionCheck)!;
              return { table: keyed.TableName, key: keyed.Key, check: action.ConditionCheck !== undefined };
            }),
          );
        }
      }
    }

    /** The item writes of a BatchWriteItem request, or of the unprocessed part of its response. */
    private batchWrites(requests: Record<string, BatchWriteRequest[]>): Promise<ItemWrite[]> {
      return Promise.all(
        Object.entries(requests).flatMap(([table, writes]) =>
          writes.map(async (write) => ({
            table,
            key: write.PutRequest
              ? pickKey((await schemaOf(table, this.request.headers)).keys, write.PutRequest.Item)
              : (write.DeleteRequest?.Key ?? {}),
            check: false,
          })),
        ),
      );
    }

    private addWrite(units: number, indexUnits: number, perIndex: readonly (readonly [string, number])[]): void {
      const operation = tally(this.operation);
      operation.writeUnits += units;
      operation.indexWriteUnits += indexUnits;
      totals.writeUnits += units;
      totals.indexWriteUnits += indexUnits;
      for (const [name, indexUnitsOfOne] of perIndex) {
        totals.indexWriteUnitsByIndex[name] = (totals.indexWriteUnitsByIndex[name] ?? 0) + indexUnitsOfOne;
      }
    }

    private addRead(target: string, units: number, consistent: boolean, reads: number): void {
      tally(this.operation).readUnits += units;
      totals.readUnits += units;
      totals.readUnitsByTarget[target] = (totals.readUnitsByTarget[target] ?? 0) + units;
      totals.readRequests += reads;
      if (consistent) totals.consistentReads += reads;
    }
  }

  return {
    endpoint: proxy.endpoint,
    totals: (): DynamoDbMeterTotals => structuredClone(totals),
    reset: () => {
      totals = emptyTotals();
    },
    setMetering: (on) => {
      metering = on;
    },
    stop: () => proxy.stop(),
  };
}

interface BatchWriteRequest {
  PutRequest?: { Item: Item };
  DeleteRequest?: { Key: Item };
}

interface TransactWriteAction {
  Put?: { TableName: string; Item: Item };
  Update?: { TableName: string; Key: Item };
  Delete?: { TableName: string; Key: Item };
  ConditionCheck?: { TableName: string; Key: Item };
}

interface MutableOperationTotals {
  requests: number;
  writeUnits: number;
  indexWriteUnits: number;
  readUnits: number;
}

/** What the meter accumulates; handed out as a copy typed as the read-only totals. */
interface MeterState {
  byOperation: Record<string, MutableOperationTotals>;
  writeRequests: number;
  readRequests: number;
  writeUnits: number;
  indexWriteUnits: number;
  indexWriteUnitsByIndex: Record<string, number>;
  readUnits: number;
  readUnitsByTarget: Record<string, number>;
  consistentReads: number;
  conditionalCheckFailures: number;
  cancelledTransactions: number;
  filterReplayMismatches: number;
  unmeteredRequests: number;
  errors: string[];
}

function emptyTotals(): MeterState {
  return {
    byOperation: {},
    writeRequests: 0,
    readRequests: 0,
    writeUnits: 0,
    indexWriteUnits: 0,
    indexWriteUnitsByIndex: {},
    readUnits: 0,
    readUnitsByTarget: {},
    consistentReads: 0,
    conditionalCheckFailures: 0,
    cancelledTransactions: 0,
    filterReplayMismatches: 0,
    unmeteredRequests: 0,
    errors: [],
  };
}

function parseSchema(json: Json): TableSchema {
  interface KeyElement {
    AttributeName: string;
    KeyType: 'HASH' | 'RANGE';
  }
  interface IndexDescription {
    IndexName: string;
    KeySchema: KeyElement[];
    Projection?: { ProjectionType?: string; NonKeyAttributes?: string[] };
  }
  const table = json.Table as {
    KeySchema: KeyElement[];
    GlobalSecondaryIndexes?: IndexDescription[];
    LocalSecondaryIndexes?: IndexDescription[];
  };
  const keyNames = (elements: KeyElement[]): KeyNames => {
    const partitionKey = elements.find((element) => element.KeyType === 'HASH')?.AttributeName;
    if (!partitionKey) throw new Error('DescribeTable returned a key schema without a partition key');
    const sortKey = elements.find((element) => element.KeyType === 'RANGE')?.AttributeName;
    return sortKey ? { partitionKey, sortKey } : { partitionKey };
  };
  const keys = keyNames(table.KeySchema);
  const projection = (description: IndexDescription['Projection']): Projection => {
    if (description?.ProjectionType === 'KEYS_ONLY') return { type: 'KEYS_ONLY' };
    if (description?.ProjectionType === 'INCLUDE') return { type: 'INCLUDE', attributes: description.NonKeyAttributes ?? [] };
    return { type: 'ALL' };
  };
  const indexes = [...(table.GlobalSecondaryIndexes ?? []), ...(table.LocalSecondaryIndexes ?? [])].map(
    (index): IndexSchema => ({
      name: index.IndexName,
      ...keyNames(index.KeySchema),
      projection: projection(index.Projection),
      tableKeys: keys,
    }),
  );
  return { keys, indexes };
}

function pickKey(keys: KeyNames, item: Item): Item {
  const names = keys.sortKey ? [keys.partitionKey, keys.sortKey] : [keys.partitionKey];
  return Object.fromEntries(names.flatMap((name) => (item[name] ? [[name, item[name]]] : [])));
}

/** Identifies an item across the meter; key values are scalars, so sorted JSON is canonical. */
function lockKey(table: string, key: Item): string {
  return `${table}\u0000${JSON.stringify(Object.entries(key).sort(([a], [b]) => a.localeCompare(b)))}`;
}

/** Parameters that change what a Query/Scan returns but not what it reads. */
const HIDING = ['FilterExpression', 'QueryFilter', 'ScanFilter', 'ProjectionExpression', 'AttributesToGet'];
const NOT_READ_AFFECTING = [...HIDING, 'ConditionalOperator', 'Select', 'ReturnConsumedCapacity'];

/**
 * The same Query/Scan without what hides items or attributes, or undefined when the original already returned
 * everything it read. Placeholders only the removed expressions used are dropped: DynamoDB rejects unused ones.
 */
export function beforeFilter(body: Json): Json | undefined {
  const select = body.Select;
  const hidesSomething =
    HIDING.some((name) => body[name] !== undefined) ||
    (select !== undefined && select !== 'ALL_ATTRIBUTES' && select !== 'ALL_PROJECTED_ATTRIBUTES');
  if (!hidesSomething) return undefined;
  const replay: Json = Object.fromEntries(Object.entries(body).filter(([name]) => !NOT_READ_AFFECTING.includes(name)));
  replay.Select = typeof body.IndexName === 'string' ? 'ALL_PROJECTED_ATTRIBUTES' : 'ALL_ATTRIBUTES';
  const remaining = typeof body.KeyConditionExpression === 'string' ? body.KeyConditionExpression : '';
  for (const field of ['ExpressionAttributeNames', 'ExpressionAttributeValues']) {
    const placeholders = body[field] as Record<string, unknown> | undefined;
    if (!placeholders) continue;
    const used = Object.entries(placeholders).filter(([placeholder]) => usesPlaceholder(remaining, placeholder));
    if (used.length > 0) replay[field] = Object.fromEntries(used);
    else delete replay[field];
  }
  return replay;
}

/** `#a` is used in `#a = :v` but not in `#ab = :v`; placeholder names are letters, digits and underscores. */
const usesPlaceholder = (expression: string, placeholder: string): boolean =>
  new RegExp(`${placeholder}(?![A-Za-z0-9_])`).test(expression);

/** Serialises work per key; several keys are taken in sorted order, so two writers never wait on each other. */
class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(keys: readonly string[], work: () => Promise<T>): Promise<T> {
    const releases: (() => void)[] = [];
    try {
      for (const key of [...new Set(keys)].sort()) {
        const previous = this.tails.get(key) ?? Promise.resolve();
        let release!: () => void;
        const held = new Promise<void>((resolve) => (release = resolve));
        const tail = previous.then(() => held);
        this.tails.set(key, tail);
        releases.push(() => {
          release();
          if (this.tails.get(key) === tail) this.tails.delete(key);
        });
        await previous;
      }
      return await work();
    } finally {
      releases.forEach((release) => release());
    }
  }
}
