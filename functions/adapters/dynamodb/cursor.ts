import { z } from 'zod';
import { badRequest } from '../../platform/http';

/**
 * Page cursors are the last returned item's key, base64url-encoded: opaque to clients, and checked on the way
 * back so a cursor can never move a query into another site's partition.
 */
export function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor<T extends z.ZodType>(cursor: string, schema: T, belongsToCaller: (key: z.infer<T>) => boolean): z.infer<T> {
  const invalid = badRequest('Invalid cursor', [{ path: 'cursor', message: 'not a cursor returned by this API for this site' }]);
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid;
  }
  const parsed = schema.safeParse(decoded);
  if (!parsed.success || !belongsToCaller(parsed.data)) throw invalid;
  return parsed.data;
}
