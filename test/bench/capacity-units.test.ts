import { marshall } from '@aws-sdk/util-dynamodb';
import {
  indexWriteUnits,
  INDEX_ENTRY_OVERHEAD_BYTES,
  itemReadUnits,
  itemSize,
  numberSize,
  queryReadUnits,
  readUnits,
  writeUnits,
  type IndexSchema,
  type Item,
} from '../../scripts/bench/capacity-units';

const KB = 1024;

/** An item of exactly `bytes`: "pk" (2) + "a" (1) + "data" (4) + the padding. */
const itemOfSize = (bytes: number, pk = 'a'): Item => ({ pk: { S: pk }, data: { S: 'x'.repeat(bytes - 6 - pk.length) } });

describe('itemSize', () => {
  it('counts attribute names and UTF-8 bytes of strings, not characters', () => {
    expect(itemSize({ name: { S: 'abc' } })).toBe(4 + 3);
    expect(itemSize({ é: { S: '€' } })).toBe(2 + 3);
  });

  it('counts raw bytes of binary values, whether base64 text or bytes', () => {
    expect(itemSize({ b: { B: 'AAEC' } })).toBe(1 + 3);
    expect(itemSize({ b: { B: new Uint8Array([0, 1, 2]) } })).toBe(1 + 3);
  });

  it('counts 1 byte for a boolean or a null', () => {
    expect(itemSize({ flag: { BOOL: false }, gone: { NULL: true } })).toBe(4 + 1 + 4 + 1);
  });

  it('adds 3 bytes per list or map and 1 byte per element, counting map keys', () => {
    expect(itemSize({ l: { L: [] }, m: { M: {} } })).toBe(1 + 3 + 1 + 3);
    const nested: Item = { m: { M: { a: { N: '1' }, b: { L: [{ S: 'xy' }, { BOOL: false }] } } } };
    // list: 3 + (1 + 2) + (1 + 1) = 8; map: 3 + (1 + "a" 1 + 2) + (1 + "b" 1 + 8) = 17; item: "m" 1 + 17.
    expect(itemSize(nested)).toBe(18);
  });

  it('sums the elements of sets, without overhead', () => {
    expect(itemSize({ s: { SS: ['pizza', 'burger'] }, n: { NS: ['1', '100', '1.5'] }, b: { BS: ['AAEC', 'AA=='] } })).toBe(
      1 + 11 + (1 + 2 + 2 + 3) + (1 + 3 + 1),
    );
  });

  it('measures a marshalled item like its wire form', () => {
    const plain = { pk: 'site#1', visits: 3, pages: [{ path: '/a', ms: 1500 }], tags: new Set(['x', 'yz']) };
    expect(itemSize(marshall(plain))).toBe(
      2 + 6 + (6 + 2) + (5 + 3 + 1 + (3 + (1 + 4 + 2) + (1 + 2 + 2))) + (4 + 3),
    );
  });

  it('has no size for no item', () => {
    expect(itemSize(undefined)).toBe(0);
  });
});

describe('numberSize', () => {
  it.each([
    ['0', 1],
    ['-0', 1],
    ['0.000', 1],
    ['1', 2],
    ['12', 2],
    ['123', 3],
    ['10', 2],
    ['100', 2],
    ['1000', 2],
    ['1100', 2],
    ['110', 3],
    ['15', 2],
    // "1" and "5" fall into different base-100 pairs around the decimal point.
    ['1.5', 3],
    ['0.5', 2],
    ['0.05', 2],
    ['12.34', 3],
    ['00012.3400', 3],
    ['1e3', 2],
    ['1.5E+2', 3],
    ['-1', 3],
    ['-1E-130', 3],
    ['12345678901234567890123456789012345678', 20],
    ['1.2345678901234567890123456789012345678', 21],
    ['-1.2345678901234567890123456789012345678', 21],
  ])('%s takes %i bytes', (text, bytes) => {
    expect(numberSize(text)).toBe(bytes);
  });

  it('refuses text that is no number', () => {
    expect(() => numberSize('abc')).toThrow('Not a DynamoDB number');
    expect(() => numberSize('.')).toThrow('Not a DynamoDB number');
  });
});

describe('writeUnits (AWS docs examples)', () => {
  it('rounds a put up to the next 1 KB: 1.5 KB and 1.6 KB items cost 2', () => {
    expect(writeUnits({ after: itemOfSize(1.5 * KB) })).toBe(2);
    expect(writeUnits({ after: itemOfSize(1638) })).toBe(2);
  });

  it('costs at least 1 unit for a tiny item', () => {
    expect(writeUnits({ after: itemOfSize(10) })).toBe(1);
    expect(writeUnits({ after: itemOfSize(KB) })).toBe(1);
    expect(writeUnits({ after: itemOfSize(KB + 1) })).toBe(2);
  });

  it('charges an update the larger of the before and after sizes', () => {
    expect(writeUnits({ before: itemOfSize(2.5 * KB), after: itemOfSize(0.8 * KB) })).toBe(3);
    expect(writeUnits({ before: itemOfSize(0.8 * KB), after: itemOfSize(2.5 * KB) })).toBe(3);
  });

  it('charges a delete the size of the deleted item', () => {
    expect(writeUnits({ before: itemOfSize(2.5 * KB) })).toBe(3);
  });

  it('sums BatchWriteItem per item: 500 bytes and 3.5 KB cost 5, not 4', () => {
    const batch = [itemOfSize(500), itemOfSize(3.5 * KB)].map((after) => writeUnits({ after }));
    expect(batch.reduce((a, b) => a + b)).toBe(5);
  });

  it('charges a failed conditional write the existing item size, or 1 unit when there is none', () => {
    expect(writeUnits({ before: itemOfSize(KB) })).toBe(1);
    expect(writeUnits({ before: itemOfSize(2 * KB) })).toBe(2);
    expect(writeUnits({})).toBe(1);
  });

  it('doubles transactional writes: three 500-byte items need 6 units', () => {
    const units = [1, 2, 3].map(() => writeUnits({ after: itemOfSize(500), transactional: true }));
    expect(units.reduce((a, b) => a + b)).toBe(6);
  });
});

describe('readUnits (AWS docs examples)', () => {
  it('rounds a 3.5 KB item to 4 KB: 1 unit strongly consistent, 0.5 eventually consistent', () => {
    expect(readUnits(3.5 * KB, { consistent: true })).toBe(1);
    expect(readUnits(3.5 * KB)).toBe(0.5);
  });

  it('rounds a 10 KB item to 12 KB', () => {
    expect(readUnits(10 * KB, { consistent: true })).toBe(3);
    expect(readUnits(10 * KB, { consistent: false })).toBe(1.5);
  });

  it('charges an 8 KB item 2 strongly consistent, 1 eventually consistent, 4 transactional', () => {
    expect(readUnits(8 * KB, { consistent: true })).toBe(2);
    expect(readUnits(8 * KB)).toBe(1);
    expect(readUnits(8 * KB, { transactional: true })).toBe(4);
  });

  it('charges the minimum for a read that finds nothing', () => {
    expect(itemReadUnits([0], { consistent: true })).toBe(1);
    expect(itemReadUnits([0])).toBe(0.5);
  });

  it('rounds BatchGetItem per item: 1.5 KB and 6.5 KB count as 12 KB', () => {
    expect(itemReadUnits([1.5 * KB, 6.5 * KB], { consistent: true })).toBe(3);
  });

  it('rounds a Query over the total: 40.8 KB is 44 KB, 1500 items of 64 bytes are 96 KB', () => {
    expect(queryReadUnits([40.8 * KB], { consistent: true })).toBe(11);
    expect(queryReadUnits(Array.from({ length: 1500 }, () => 64), { consistent: true })).toBe(24);
  });

  it('halves eventually consistent reads: 80 KB costs 10 units', () => {
    expect(queryReadUnits([80 * KB])).toBe(10);
  });

  it('charges a GSI query of 8 entries of 2000 bytes 2 units', () => {
    expect(queryReadUnits(Array.from({ length: 8 }, () => 2000))).toBe(2);
  });
});

describe('indexWriteUnits', () => {
  const tableKeys = { partitionKey: 'pk', sortKey: 'sk' };
  const all: IndexSchema = { name: 'byLastSeen', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', projection: { type: 'ALL' }, tableKeys };
  const keysOnly: IndexSchema = { ...all, name: 'keys', projection: { type: 'KEYS_ONLY' } };
  const include: IndexSchema = { ...all, name: 'include', projection: { type: 'INCLUDE', attributes: ['name'] } };
  const lead = (overrides: Record<string, string> = {}): Item => ({
    ...marshall({ pk: 'site#1', sk: 'lead#1', gsi1pk: 'site#1', gsi1sk: '2026-11-25T10:00:00Z', name: 'Acme', note: 'x' }),
    ...marshall(overrides),
  });

  it('costs nothing when the item is in the index neither before nor after', () => {
    const unindexed: Item = marshall({ pk: 'site#1', sk: 'visit#1', note: 'x' });
    expect(indexWriteUnits(all, undefined, unindexed)).toBe(0);
    expect(indexWriteUnits(all, unindexed, { ...unindexed, note: { S: 'y' } })).toBe(0);
  });

  it('puts a new entry with one write sized with the 100-byte entry overhead', () => {
    const item: Item = { ...lead(), data: { S: 'x'.repeat(900) } };
    const size = itemSize(item);
    expect(size).toBeLessThan(KB);
    expect(size + INDEX_ENTRY_OVERHEAD_BYTES).toBeGreaterThan(KB);

    expect(writeUnits({ after: item })).toBe(1);
    expect(indexWriteUnits(all, undefined, item)).toBe(2);
  });

  it('deletes the entry with one write when the item leaves the index', () => {
    const { gsi1sk: _removed, ...withoutIndexKey } = lead();
    expect(indexWriteUnits(all, lead(), withoutIndexKey)).toBe(1);
    expect(indexWriteUnits(all, lead(), undefined)).toBe(1);
  });

  it('deletes and puts when an index key changes', () => {
    expect(indexWriteUnits(all, lead(), lead({ gsi1sk: '2026-11-25T11:00:00Z' }))).toBe(2);
    expect(indexWriteUnits(keysOnly, lead(), lead({ gsi1sk: '2026-11-25T11:00:00Z' }))).toBe(2);
  });

  it('writes once when a projected attribute changes under the same keys', () => {
    expect(indexWriteUnits(all, lead(), lead({ note: 'y' }))).toBe(1);
    expect(indexWriteUnits(include, lead(), lead({ name: 'Acme Ltd' }))).toBe(1);
  });

  it('costs nothing when only unprojected attributes change', () => {
    expect(indexWriteUnits(keysOnly, lead(), lead({ note: 'y', name: 'Acme Ltd' }))).toBe(0);
    expect(indexWriteUnits(include, lead(), lead({ note: 'y' }))).toBe(0);
  });

  it('costs nothing when the item is written again unchanged, whatever the order of map keys', () => {
    const before: Item = { ...lead(), m: { M: { a: { S: '1' }, b: { S: '2' } } } };
    const after: Item = { ...lead(), m: { M: { b: { S: '2' }, a: { S: '1' } } } };
    expect(indexWriteUnits(all, before, after)).toBe(0);
  });

  it('sizes a KEYS_ONLY entry from the keys alone', () => {
    const big: Item = { ...lead(), data: { S: 'x'.repeat(5 * KB) } };
    expect(indexWriteUnits(keysOnly, undefined, big)).toBe(1);
    expect(indexWriteUnits(all, undefined, big)).toBe(6);
  });
});
