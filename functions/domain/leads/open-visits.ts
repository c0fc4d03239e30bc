import {
  type ActiveVisit,
  DEDUP_KEY_LENGTH,
  EVENT_KEY_LENGTH,
  type StoredLead,
  type StoredOpenVisit,
  splitKeys,
  VISITOR_KEY_LENGTH,
  visitIdFor,
} from './model';

/**
 * How a lead item stores its open visits: packed into one binary attribute (`open`). Pure, no I/O.
 *
 * The lead is rewritten on every batch that touches it and billed per started KB, and its open visits were half the
 * bytes those writes carried (`npm run bench`): a map per visitor, with attribute names in every entry and event
 * keys as base64url text. Packed, an entry is its visitor key and event keys as raw bytes (6 and 5 bytes), its time
 * as 4 bytes and its small counts as varints: about 20 bytes plus 5 a key instead of about 60 plus 8 (for a visit
 * of 7 events, about half the bytes).
 *
 * Layout: a format byte (2), then per open visit: visitor key (6 bytes, the hex of `visitorKey`), `at` (uint32,
 * epoch seconds), `pages`, `rp` (0: no last page), `lp` (6 bytes, only when `rp` > 0), `dp` (0: none), the length
 * of an id that cannot be derived (0 for all visits begun since ids are derived) and its UTF-8 bytes, the number of
 * event keys, and the keys (5 bytes each, the hex of `dedupKey`). Counts are unsigned LEB128 varints.
 *
 * Format 1 had 8-byte visitor keys and 6-byte event keys, and items written before the packed form hold
 * `activeVisits` (`StoredOpenVisit` by visitor key). Both are read and converted to today's keys by their first
 * bytes (which is what today's keys of the same visitor and events are); the id of each such visit is kept as it
 * was derived then, so it is stored with the visit until the visit closes. They are written in format 2.
 */

const FORMAT = 2;
/** The byte sizes of visitor and event keys by format. */
const KEY_BYTES = { 1: { visitor: 8, event: 6 }, 2: { visitor: VISITOR_KEY_LENGTH / 2, event: DEDUP_KEY_LENGTH / 2 } } as const;
const LAST_PAGE_LENGTH = 6;

/** The lead's open visits by `visitorKey`. */
export function openVisits(lead: Pick<StoredLead, 'open' | 'activeVisits'> | undefined): Record<string, ActiveVisit> {
  if (lead?.open) return unpack(lead.open);
  return Object.fromEntries(Object.entries(lead?.activeVisits ?? {}).map(([key, stored]) => [key.slice(0, VISITOR_KEY_LENGTH), fromLegacy(key, stored)]));
}

/** Open visits as the lead item stores them. */
export function packOpenVisits(visits: Record<string, ActiveVisit>): Uint8Array {
  const bytes: number[] = [FORMAT];
  for (const [key, visit] of Object.entries(visits)) {
    if (!/^[0-9a-f]{12}$/.test(key)) throw new Error('open visits: a visitor key is 12 hex digits');
    if (!/^(?:[0-9a-f]{10})*$/.test(visit.keys)) throw new Error('open visits: event keys are 10 hex digits each');
    bytes.push(...Buffer.from(key, 'hex'));
    pushUint32(bytes, visit.at);
    pushVarint(bytes, visit.pages);
    const repeats = visit.lp ? (visit.rp ?? 0) : 0;
    pushVarint(bytes, repeats);
    if (repeats > 0) {
      if (visit.lp?.length !== LAST_PAGE_LENGTH) throw new Error('open visits: a last page key is 6 characters');
      bytes.push(...Buffer.from(visit.lp, 'latin1'));
    }
    pushVarint(bytes, visit.dp ?? 0);
    const id = visit.id === visitIdFor(key, visit.keys.slice(0, DEDUP_KEY_LENGTH)) ? [] : [...Buffer.from(visit.id, 'utf8')];
    pushVarint(bytes, id.length);
    bytes.push(...id);
    pushVarint(bytes, visit.keys.length / DEDUP_KEY_LENGTH);
    bytes.push(...Buffer.from(visit.keys, 'hex'));
  }
  return Uint8Array.from(bytes);
}

function unpack(packed: Uint8Array): Record<string, ActiveVisit> {
  const bytes = Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength);
  const format = bytes[0];
  if (format !== 1 && format !== 2) throw new Error(`open visits: unknown format ${format}`);
  const sizes = KEY_BYTES[format];
  const reader = { bytes, at: 1 };
  const visits: Record<string, ActiveVisit> = {};
  while (reader.at < bytes.length) {
    const storedKey = take(reader, sizes.visitor);
    const at = take(reader, 4).readUInt32BE(0);
    const pages = readVarint(reader);
    const repeats = readVarint(reader);
    const lastPage = repeats > 0 ? take(reader, LAST_PAGE_LENGTH).toString('latin1') : undefined;
    const dayPages = readVarint(reader);
    const storedId = take(reader, readVarint(reader)).toString('utf8');
    const eventKeys = take(reader, readVarint(reader) * sizes.event);
    visits[storedKey.subarray(0, VISITOR_KEY_LENGTH / 2).toString('hex')] = {
      id: storedId || visitIdFor(storedKey.toString('hex'), firstKeyAsWritten(format, eventKeys)),
      at,
      pages,
      keys: format === 1 ? splitBytes(eventKeys, KEY_BYTES[1].event).map(todaysKey).join('') : eventKeys.toString('hex'),
      ...(dayPages > 0 ? { dp: dayPages } : {}),
      ...(lastPage ? { lp: lastPage, rp: repeats } : {}),
    };
  }
  return visits;
}

function fromLegacy(key: string, stored: StoredOpenVisit): ActiveVisit {
  const { k, id, keys: legacy, ...rest } = stored;
  const oldKeys = k ?? splitKeys(legacy ?? '', EVENT_KEY_LENGTH).map((full) => full.slice(0, 8)).join('');
  const keys = splitKeys(oldKeys, 8).map((old) => todaysKey(Buffer.from(old, 'base64url'))).join('');
  return { ...rest, id: id ?? visitIdFor(key, oldKeys.slice(0, 8)), keys };
}

/** The first event key as the format wrote it, which the visit's id was derived from. */
const firstKeyAsWritten = (format: 1 | 2, eventKeys: Buffer): string =>
  format === 1 ? eventKeys.subarray(0, KEY_BYTES[1].event).toString('base64url') : eventKeys.subarray(0, KEY_BYTES[2].event).toString('hex');

/** Today's key (`dedupKey`) of an event whose key was stored as the first bytes of the same hash. */
const todaysKey = (oldKey: Uint8Array): string => Buffer.from(oldKey.subarray(0, DEDUP_KEY_LENGTH / 2)).toString('hex');

const splitBytes = (bytes: Buffer, size: number): Buffer[] => Array.from({ length: bytes.length / size }, (_, i) => bytes.subarray(i * size, (i + 1) * size));

function pushUint32(bytes: number[], value: number): void {
  bytes.push((value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff);
}

function pushVarint(bytes: number[], value: number): void {
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
}

interface Reader {
  bytes: Buffer;
  at: number;
}

function take(reader: Reader, length: number): Buffer {
  if (reader.at + length > reader.bytes.length) throw new Error('open visits: truncated');
  const slice = reader.bytes.subarray(reader.at, reader.at + length);
  reader.at += length;
  return slice;
}

function readVarint(reader: Reader): number {
  let value = 0;
  let scale = 1;
  for (;;) {
    const byte = take(reader, 1)[0] ?? 0;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return value;
    scale *= 0x80;
  }
}
