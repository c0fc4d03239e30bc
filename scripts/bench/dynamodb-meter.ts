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
import { startMeteringProxy } from './metering-proxy';
import { MeterAccounts, type DynamoDbMeterTotals } from './dynamodb-meter/accounts';
import { KeyedLock } from './dynamodb-meter/keyed-lock';
import { MeterLookups } from './dynamodb-meter/lookups';
import { RequestMeter, type RecordedWrite } from './dynamodb-meter/request-meter';
import { PREFIX, type Json } from './dynamodb-meter/requests';

export type { DynamoDbMeterTotals, OperationTotals } from './dynamodb-meter/accounts';
export type { RecordedWrite } from './dynamodb-meter/request-meter';
export { beforeFilter } from './dynamodb-meter/requests';

export interface DynamoDbMeterOptions {
  /** DynamoDB Local's endpoint. */
  readonly upstream: string;
  /** Called with every metered item write (`npm run bench -- --record-writes`). */
  readonly onWrite?: (write: RecordedWrite) => void;
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

const SCHEMA_CHANGES = new Set(['CreateTable', 'DeleteTable', 'UpdateTable']);
const UNMETERED = new Set(['TransactGetItems', 'ExecuteStatement', 'BatchExecuteStatement', 'ExecuteTransaction']);

export async function startDynamoDbMeter({ upstream, onWrite }: DynamoDbMeterOptions): Promise<DynamoDbMeter> {
  const accounts = new MeterAccounts();
  const locks = new KeyedLock();
  const lookups = new MeterLookups(() => proxy.upstream);
  let metering = true;

  const proxy = await startMeteringProxy({
    upstream,
    onError: (error) => accounts.error(error),
    handle: async (request, forward) => {
      if (!metering) {
        await forward();
        return;
      }
      const target = request.target ?? 'unknown';
      const operation = target.startsWith(PREFIX) ? target.slice(PREFIX.length) : target;
      accounts.tally(operation).requests += 1;
      const body = request.body.length > 0 ? (JSON.parse(request.body.toString('utf8')) as Json) : {};
      const meter = new RequestMeter({ accounts, locks, lookups, ...(onWrite ? { onWrite } : {}) }, operation, request, body, forward);
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
          if (SCHEMA_CHANGES.has(operation) && typeof body.TableName === 'string') lookups.forgetSchema(body.TableName);
          if (UNMETERED.has(operation)) accounts.count('unmeteredRequests');
          await forward();
      }
    },
  });

  return {
    endpoint: proxy.endpoint,
    totals: (): DynamoDbMeterTotals => accounts.totals(),
    reset: () => accounts.reset(),
    setMetering: (on) => {
      metering = on;
    },
    stop: () => proxy.stop(),
  };
}
