import { marshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { type ActiveVisit, DEDUP_KEY_LENGTH, dedupKey, eventKey, MAX_EVENT_KEYS_PER_VISIT, visitIdFor } from '../../../../functions/domain/leads/model';
import { openVisits, packOpenVisits } from '../../../../functions/domain/leads/open-visits';
import { itemSize } from '../../../../scripts/bench/capacity-units';
import { FORMAT_1_OPEN, FORMAT_1_VISIT_ID } from '../../../fixtures/open-visits-format-1';

const keysOf = (count: number, seed = 'e'): string => Array.from({ length: count }, (_, index) => dedupKey(`${seed}-${index}`)).join('');
const derived = (key: string, keys: string, rest: Omit<ActiveVisit, 'id' | 'keys'>): ActiveVisit => ({
  id: visitIdFor(key, keys.slice(0, DEDUP_KEY_LENGTH)),
  keys,
  ...rest,
});

describe('open visits, packed', () => {
  const visits: Record<string, ActiveVisit> = {
    '0123456789ab': derived('0123456789ab', keysOf(3), { at: 1_796_452_849, pages: 2, lp: 'et2kr4', rp: 2 }),
    // A full visit: 200 keys and a count past one varint byte; handed-on day pages; no last page.
    fedcba987654: derived('fedcba987654', keysOf(MAX_EVENT_KEYS_PER_VISIT, 'f'), { at: 4_294_967_295, pages: 300, dp: 1_000 }),
    // Begun before ids were derived: the id is kept.
    '0000000000ff': { id: 'legacy-visit-id', keys: keysOf(1, 'g'), at: 1, pages: 1, lp: 'AAAA-_', rp: 1 },
  };

  it('read back as they were written', () => {
    expect(openVisits({ open: packOpenVisits(visits) })).toEqual(visits);
  });

  it('read back as they were written, whatever the values within the bounds a lead keeps', () => {
    const base64url = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split(''));
    const hex = fc.constantFrom(...'0123456789abcdef'.split(''));
    const eventKeys = fc.array(fc.string({ unit: hex, minLength: DEDUP_KEY_LENGTH, maxLength: DEDUP_KEY_LENGTH }), { minLength: 1, maxLength: MAX_EVENT_KEYS_PER_VISIT });
    const visit = fc.record(
      {
        keys: eventKeys.map((keys) => keys.join('')),
        at: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        pages: fc.integer({ min: 0, max: 100_000 }),
        dp: fc.integer({ min: 1, max: 100_000 }),
        lp: fc.string({ unit: base64url, minLength: 6, maxLength: 6 }),
        rp: fc.integer({ min: 1, max: 100_000 }),
        legacyId: fc.option(fc.string({ minLength: 1, maxLength: 40 })),
      },
      { requiredKeys: ['keys', 'at', 'pages', 'legacyId'] },
    );
    const visitorKey = fc.string({ unit: hex, minLength: 12, maxLength: 12 });
    fc.assert(
      fc.property(fc.dictionary(visitorKey, visit, { maxKeys: 50 }), (drawn) => {
        const visits = Object.fromEntries(
          Object.entries(drawn).map(([key, { legacyId, lp, rp, ...rest }]) => [
            key,
            {
              ...rest,
              // A last page and its repeats come together, as behaviour.ts sets them.
              ...(lp !== undefined && rp !== undefined ? { lp, rp } : {}),
              id: legacyId ?? visitIdFor(key, rest.keys.slice(0, DEDUP_KEY_LENGTH)),
            },
          ]),
        );
        expect(openVisits({ open: packOpenVisits(visits) })).toEqual(visits);
      }),
    );
  });

  it('read back from the Uint8Array a DynamoDB read returns, at any offset of its buffer', () => {
    const packed = packOpenVisits(visits);
    const copy = new Uint8Array(packed.length + 7);
    copy.set(packed, 7);
    expect(openVisits({ open: copy.subarray(7) })).toEqual(visits);
  });

  it('take at most 60 % of the bytes of the map they replace (20 visits of 4 pages and 7 events)', () => {
    const typical = Object.fromEntries(
      Array.from({ length: 20 }, (_, index) => {
        const key = index.toString(16).padStart(12, '0');
        return [key, derived(key, keysOf(7, key), { at: 1_796_452_849 + index, pages: 4, lp: 'il7aso', rp: 1 })];
      }),
    );
    const asMap = Object.fromEntries(Object.entries(typical).map(([key, { id: _id, keys, ...rest }]) => [key, { ...rest, k: keys }]));
    const packedBytes = itemSize(marshall({ open: packOpenVisits(typical) }) as never);
    const mapBytes = itemSize(marshall({ activeVisits: asMap }) as never);
    expect(packedBytes).toBeLessThanOrEqual(mapBytes * 0.6);
  });

  it('are none on a lead without any', () => {
    expect(openVisits(undefined)).toEqual({});
    expect(openVisits({ open: packOpenVisits({}) })).toEqual({});
    expect(packOpenVisits({})).toEqual(Uint8Array.from([2]));
  });

  it('refuse what they cannot read or write back exactly', () => {
    expect(() => openVisits({ open: Uint8Array.from([3]) })).toThrow('unknown format 3');
    expect(() => openVisits({ open: packOpenVisits(visits).subarray(0, 30) })).toThrow('truncated');
    expect(() => packOpenVisits({ 'not-hex': derived('not-hex', keysOf(1), { at: 1, pages: 1 }) })).toThrow('12 hex digits');
    expect(() => packOpenVisits({ '0123456789ab': derived('0123456789ab', 'DlUBB3eZ', { at: 1, pages: 1 }) })).toThrow('10 hex digits');
    expect(() => packOpenVisits({ '0123456789ab': derived('0123456789ab', keysOf(1), { at: 1, pages: 1, lp: 'long-key', rp: 1 }) })).toThrow('6 characters');
  });
});

/** An event's key as items written before 40-bit keys stored it: 8 base64url characters (6 bytes of the hash). */
const oldKey = (eventId: string): string => eventKey(eventId).slice(0, 8);

describe('open visits stored in format 1 (8-byte visitor keys, 6-byte event keys)', () => {
  const stored = FORMAT_1_OPEN;

  it("are read with today's keys of the same visitor and events, and the ids they were written with", () => {
    expect(openVisits({ open: stored })).toEqual({
      '0123456789ab': { id: FORMAT_1_VISIT_ID, at: 1_796_452_849, pages: 2, keys: keysOf(3), lp: 'et2kr4', rp: 2 },
      '000000000000': { id: 'legacy-visit-id', at: 1_796_452_900, pages: 1, keys: keysOf(1, 'g'), dp: 3 },
    });
    expect(visitIdFor('0123456789abcdef', oldKey('e-0'))).toBe(FORMAT_1_VISIT_ID);
  });

  it('are written back in format 2 with their ids kept', () => {
    const read = openVisits({ open: stored });
    const packed = packOpenVisits(read);
    expect(packed[0]).toBe(2);
    expect(openVisits({ open: packed })).toEqual(read);
    expect(packed.length).toBeLessThan(stored.length + 25);
  });
});

describe('open visits stored before the packed form', () => {
  it("are read from their map, with 8- or 11-character keys, as today's keys", () => {
    const key = '0123456789abcdef';
    const keys = ['e-0', 'e-1'].map(oldKey).join('');
    expect(
      openVisits({
        activeVisits: {
          [key]: { at: 5, pages: 2, k: keys, lp: 'et2kr4', rp: 1 },
          fedcba9876543210: { id: 'old-id', at: 6, pages: 1, keys: eventKey('e-9') },
        },
      }),
    ).toEqual({
      '0123456789ab': { id: visitIdFor(key, oldKey('e-0')), at: 5, pages: 2, keys: keysOf(2), lp: 'et2kr4', rp: 1 },
      fedcba987654: { id: 'old-id', at: 6, pages: 1, keys: dedupKey('e-9') },
    });
  });

  it('give way to the packed form when an item holds both', () => {
    const key = '0123456789ab';
    const packed = { [key]: derived(key, keysOf(1), { at: 9, pages: 1 }) };
    expect(openVisits({ open: packOpenVisits(packed), activeVisits: { fedcba9876543210: { at: 1, pages: 1, k: oldKey('x-0') } } })).toEqual(packed);
  });
});
