import { createHmac, timingSafeEqual } from 'node:crypto';
import { InvalidCursorError } from '../adapters/dynamodb/cursor';
import type { CursorKeyStore } from '../adapters/dynamodb/cursor-key-store';

/**
 * Page cursors: where a page ended, signed with a monthly key and bound to the operation, the site and the filters
 * it was made for. A cursor that was tampered with, made for another site or query, or signed with a key that no
 * longer exists is an InvalidCursorError (answered 400), never a query DynamoDB refuses (which would be a 500).
 * The position itself is not secret: it is the key of an item the caller has just been shown.
 */
export class PageCursors {
  constructor(private readonly keys: Pick<CursorKeyStore, 'current' | 'byId'>) {}

  async seal(position: Record<string, unknown>, binding: string): Promise<string> {
    const { id, key } = await this.keys.current();
    const payload = Buffer.from(JSON.stringify({ p: position, k: id })).toString('base64url');
    return `${payload}.${mac(key, binding, payload).toString('base64url')}`;
  }

  /** The position the cursor holds, once its signature and binding are verified. */
  async open(cursor: string, binding: string): Promise<unknown> {
    const [payload, signature, ...rest] = cursor.split('.');
    if (!payload || !signature || rest.length > 0) throw new InvalidCursorError();
    let decoded: { p?: unknown; k?: unknown };
    try {
      decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof decoded;
    } catch {
      throw new InvalidCursorError();
    }
    const key = typeof decoded.k === 'string' ? await this.keys.byId(decoded.k) : undefined;
    const given = Buffer.from(signature, 'base64url');
    const expected = key ? mac(key, binding, payload) : undefined;
    if (!expected || given.length !== expected.length || !timingSafeEqual(given, expected)) throw new InvalidCursorError();
    return decoded.p;
  }
}

/** 128 bits of HMAC-SHA256 over the binding and the payload. */
const mac = (key: Uint8Array, binding: string, payload: string): Buffer =>
  createHmac('sha256', key).update(`${binding}\n${payload}`).digest().subarray(0, 16);

/** What a cursor is bound to: the operation, the site and the filters (not the page size, which may change). */
export const cursorBinding = (operation: string, siteId: string, filters: Record<string, unknown> = {}): string =>
  JSON.stringify([operation, siteId, Object.entries(filters).filter(([, value]) => value !== undefined).sort(([a], [b]) => a.localeCompare(b))]);
