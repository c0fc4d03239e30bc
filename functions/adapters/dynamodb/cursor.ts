import type { z } from 'zod';

/**
 * Page cursors are the last returned item's key, base64url-encoded: opaque to clients, and checked on the way
 * back so a cursor can never move a query into another site's partition. A cursor that fails the check is an
 * `InvalidCursorError`, which the API answers with a 400 naming the `cursor` parameter.
 */
export class InvalidCursorError extends Error {
  constructor() {
    super('not a cursor returned by this API for this site');
    this.name = 'InvalidCursorError';
  }
}

export function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor<T extends z.ZodType>(cursor: string, schema: T, belongsToCaller: (key: z.infer<T>) => boolean): z.infer<T> {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  const parsed = schema.safeParse(decoded);
  if (!parsed.success || !belongsToCaller(parsed.data)) throw new InvalidCursorError();
  return parsed.data;
}
