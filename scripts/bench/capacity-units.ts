/**
 * DynamoDB capacity units computed from item sizes, because DynamoDB Local's ReturnConsumedCapacity does not
 * match real DynamoDB. Pure functions, no I/O.
 *
 * Sources (read 2026-11-25, stored copies of the pages):
 *  - Item sizes: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
 *    ("DynamoDB item sizes and formats").
 *  - Read/write unit consumption, including failed conditional writes: read from the archived developer guide
 *    (awsdocs/amazon-dynamodb-developer-guide, doc_source/CapacityUnitCalculations.md, "Capacity Unit Consumption
 *    for Reads/Writes", whose worked examples the unit tests use); the page is now
 *    https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html, whose read rules
 *    and examples were seen to be the same.
 *  - GSI writes and index entry size: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html
 *    ("Provisioned throughput considerations" and "Storage considerations for Global Secondary Indexes").
 *  - Transactions: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html
 *    ("Capacity management for transactions": two underlying writes of every item).
 */

/**
 * One attribute value in DynamoDB's low-level form. Binary values may be base64 text (the JSON wire form the meter
 * sees) or bytes (what `@aws-sdk/util-dynamodb`'s `marshall` returns), so both sources can be measured.
 */
export interface AttributeValue {
  readonly S?: string;
  readonly N?: string;
  readonly B?: string | Uint8Array;
  readonly BOOL?: boolean;
  readonly NULL?: boolean;
  readonly L?: readonly AttributeValue[];
  readonly M?: Readonly<Record<string, AttributeValue>>;
  readonly SS?: readonly string[];
  readonly NS?: readonly string[];
  readonly BS?: readonly (string | Uint8Array)[];
}

export type Item = Readonly<Record<string, AttributeValue>>;

const WRITE_UNIT_BYTES = 1024;
const READ_UNIT_BYTES = 4096;
/** "An attribute of type List or Map requires 3 bytes of overhead, regardless of its contents." */
const DOCUMENT_OVERHEAD_BYTES = 3;
/** "Each List or Map element also requires 1 byte of overhead." */
const DOCUMENT_ELEMENT_OVERHEAD_BYTES = 1;
/**
 * "100 bytes of overhead per index item" (GSI storage considerations). The GSI page states it for storage; the
 * throughput section only says larger index entries need more write units. We add it to the entry size used for
 * GSI write units as well, which is the conservative reading (it can only raise the count).
 */
export const INDEX_ENTRY_OVERHEAD_BYTES = 100;

const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');
const binaryBytes = (value: string | Uint8Array): number =>
  typeof value === 'string' ? Buffer.from(value, 'base64').length : value.byteLength;

/**
 * Size of a number. The docs give only an approximation ("1 byte per two significant digits + 1 byte"); the exact
 * rule below is the one Zac Charles measured against DynamoDB
 * (https://zaccharles.medium.com/calculating-a-dynamodb-items-size-and-consumed-capacity-d1728942eb7c):
 * digits are stored in base-100 pairs aligned on the decimal point, leading and trailing zero pairs are dropped,
 * plus one byte of exponent, plus one byte for a negative number, at most 21 bytes; zero takes 1 byte.
 * So 1.5 ("1" and "5" fall in different pairs) takes 3 bytes while 15 takes 2.
 */
export function numberSize(text: string): number {
  const match = /^\s*([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(text);
  const integer = match?.[2] ?? '';
  const fraction = match?.[3] ?? '';
  if (!match || integer.length + fraction.length === 0) throw new Error(`Not a DynamoDB number: ${JSON.stringify(text)}`);
  let digits = integer + fraction;
  // The value is 0.<digits> × 10^pointPosition.
  let pointPosition = integer.length + Number(match[4] ?? 0);
  const leadingZeros = /^0*/.exec(digits)?.[0].length ?? 0;
  digits = digits.slice(leadingZeros).replace(/0+$/, '');
  pointPosition -= leadingZeros;
  if (digits.length === 0) return 1;
  // Decimal exponents of the most and least significant digits, and the base-100 pairs they fall into.
  const highest = pointPosition - 1;
  const lowest = pointPosition - digits.length;
  const pairs = Math.floor(highest / 2) - Math.floor(lowest / 2) + 1;
  const size = pairs + 1 + (match[1] === '-' ? 1 : 0);
  return Math.min(size, 21);
}

/** Size of one value, without its attribute name. */
export function valueSize(value: AttributeValue): number {
  if (value.S !== undefined) return utf8Bytes(value.S);
  if (value.N !== undefined) return numberSize(value.N);
  if (value.B !== undefined) return binaryBytes(value.B);
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS !== undefined) return value.SS.reduce((sum, element) => sum + utf8Bytes(element), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, element) => sum + numberSize(element), 0);
  if (value.BS !== undefined) return value.BS.reduce((sum, element) => sum + binaryBytes(element), 0);
  if (value.L !== undefined) {
    return value.L.reduce(
      (sum, element) => sum + DOCUMENT_ELEMENT_OVERHEAD_BYTES + valueSize(element),
      DOCUMENT_OVERHEAD_BYTES,
    );
  }
  if (value.M !== undefined) {
    return Object.entries(value.M).reduce(
      (sum, [key, element]) => sum + DOCUMENT_ELEMENT_OVERHEAD_BYTES + utf8Bytes(key) + valueSize(element),
      DOCUMENT_OVERHEAD_BYTES,
    );
  }
  throw new Error(`Unknown attribute value type: ${JSON.stringify(value)}`);
}

/** Sum of the UTF-8 lengths of the attribute names and the sizes of their values; 0 for no item. */
export function itemSize(item: Item | undefined): number {
  if (!item) return 0;
  return Object.entries(item).reduce((sum, [name, value]) => sum + utf8Bytes(name) + valueSize(value), 0);
}

/** The size of each top-level attribute (its name and value), as itemSize sums them. */
export function attributeSizes(item: Item): Record<string, number> {
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, utf8Bytes(name) + valueSize(value)]));
}

export interface WriteSizes {
  /** The item as stored before the write; absent when there was none. */
  readonly before?: Item;
  /** The item as stored after the write; absent after a delete or a failed write. */
  readonly after?: Item;
  /** TransactWriteItems: DynamoDB prepares and commits every item, two writes each. */
  readonly transactional?: boolean;
}

/**
 * Write request units of one item-level write: the larger of the before and after sizes, rounded up to 1 KB,
 * at least 1, doubled in a transaction.
 *
 * - PutItem/UpdateItem: "the larger of" the before and after sizes.
 * - DeleteItem: the size of the deleted item (`before` only).
 * - A failed conditional write is still charged: the size of the existing item, or 1 unit when there is none;
 *   pass `before` only.
 * - A BatchWriteItem is the sum over its items ("rounds up the size of each item to the next 1 KB").
 */
export function writeUnits({ before, after, transactional = false }: WriteSizes): number {
  const bytes = Math.max(itemSize(before), itemSize(after));
  const units = Math.max(1, Math.ceil(bytes / WRITE_UNIT_BYTES));
  return transactional ? 2 * units : units;
}

export type Projection =
  | { readonly type: 'ALL' }
  | { readonly type: 'KEYS_ONLY' }
  | { readonly type: 'INCLUDE'; readonly attributes: readonly string[] };

export interface KeyNames {
  readonly partitionKey: string;
  readonly sortKey?: string;
}

/** A secondary index as DescribeTable reports it, with the key names of its table. */
export interface IndexSchema extends KeyNames {
  readonly name: string;
  readonly projection: Projection;
  readonly tableKeys: KeyNames;
}

const keyNamesOf = (keys: KeyNames): string[] => (keys.sortKey ? [keys.partitionKey, keys.sortKey] : [keys.partitionKey]);

/** "A global secondary index only keeps track of data items where its key attribute(s) actually exist." */
export const isInIndex = (index: IndexSchema, item: Item | undefined): boolean =>
  item !== undefined && keyNamesOf(index).every((name) => item[name] !== undefined);

/** The attributes DynamoDB copies into the index for this item: table keys, index keys and the projection. */
export function indexEntry(index: IndexSchema, item: Item): Item {
  if (index.projection.type === 'ALL') return item;
  const names = new Set([...keyNamesOf(index.tableKeys), ...keyNamesOf(index)]);
  if (index.projection.type === 'INCLUDE') index.projection.attributes.forEach((name) => names.add(name));
  return Object.fromEntries(Object.entries(item).filter(([name]) => names.has(name)));
}

/** Storage size of an index entry: its attributes plus the per-entry overhead. */
export const indexEntrySize = (index: IndexSchema, item: Item): number =>
  itemSize(indexEntry(index, item)) + INDEX_ENTRY_OVERHEAD_BYTES;

const entryWriteUnits = (index: IndexSchema, ...items: Item[]): number =>
  Math.max(1, Math.ceil(Math.max(...items.map((item) => indexEntrySize(index, item))) / WRITE_UNIT_BYTES));

/**
 * Write request units one table write costs in one secondary index, by the GSI page's cases:
 * in the index neither before nor after → 0; after only → a put; before only → a delete; an index key changed
 * → a delete and a put; the keys kept but a projected attribute changed → one write; nothing projected changed → 0.
 *
 * Index writes are not doubled for transactions: indexes are updated after the transaction commits.
 */
export function indexWriteUnits(index: IndexSchema, before: Item | undefined, after: Item | undefined): number {
  const old = isInIndex(index, before) ? before : undefined;
  const next = isInIndex(index, after) ? after : undefined;
  if (old === undefined) return next === undefined ? 0 : entryWriteUnits(index, next);
  if (next === undefined) return entryWriteUnits(index, old);
  const keyChanged = keyNamesOf(index).some((name) => !sameValue(old[name], next[name]));
  if (keyChanged) return entryWriteUnits(index, old) + entryWriteUnits(index, next);
  return sameItem(indexEntry(index, old), indexEntry(index, next)) ? 0 : entryWriteUnits(index, old, next);
}

export interface ReadOptions {
  /** Strongly consistent reads cost twice as much as eventually consistent ones (the default). */
  readonly consistent?: boolean;
  /** TransactGetItems: two reads of every item. */
  readonly transactional?: boolean;
}

/**
 * Read request units for `bytes` read in one unit of accounting: rounded up to 4 KB, 1 unit per 4 KB strongly
 * consistent, 0.5 eventually consistent, 2 transactional; a read that finds nothing still costs the minimum.
 * A Query or Scan is one unit of accounting over all items it read (before any filter); use `queryReadUnits`.
 */
export function readUnits(bytes: number, { consistent = false, transactional = false }: ReadOptions = {}): number {
  const blocks = Math.max(1, Math.ceil(bytes / READ_UNIT_BYTES));
  if (transactional) return 2 * blocks;
  return consistent ? blocks : blocks / 2;
}

/** Query/Scan: "DynamoDB computes the total size of all items and then rounds up to the next 4 KB boundary". */
export const queryReadUnits = (itemSizes: readonly number[], options: ReadOptions = {}): number =>
  readUnits(
    itemSizes.reduce((sum, size) => sum + size, 0),
    options,
  );

/** GetItem/BatchGetItem: each item is rounded up on its own; a key that found nothing has size 0. */
export const itemReadUnits = (itemSizes: readonly number[], options: ReadOptions = {}): number =>
  itemSizes.reduce((sum, size) => sum + readUnits(size, options), 0);

/** Structural equality of attribute values, ignoring map key order and set element order. */
export function sameValue(a: AttributeValue | undefined, b: AttributeValue | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return canonical(a) === canonical(b);
}

export const sameItem = (a: Item, b: Item): boolean => canonical({ M: a }) === canonical({ M: b });

function canonical(value: AttributeValue): string {
  const base64 = (element: string | Uint8Array) =>
    typeof element === 'string' ? element : Buffer.from(element).toString('base64');
  if (value.B !== undefined) return JSON.stringify({ B: base64(value.B) });
  if (value.SS !== undefined) return JSON.stringify({ SS: [...value.SS].sort() });
  if (value.NS !== undefined) return JSON.stringify({ NS: [...value.NS].sort() });
  if (value.BS !== undefined) return JSON.stringify({ BS: value.BS.map(base64).sort() });
  if (value.L !== undefined) return `{"L":[${value.L.map(canonical).join(',')}]}`;
  if (value.M !== undefined) {
    const entries = Object.keys(value.M)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical(value.M![key]!)}`);
    return `{"M":{${entries.join(',')}}}`;
  }
  return JSON.stringify(value);
}
