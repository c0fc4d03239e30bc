import type { z } from 'zod';

/**
 * Where a page continues: the last returned item's key. The API hands it to clients inside a signed cursor
 * (functions/leads-api/page-cursors.ts); the stores check it again on the way back, so a start key can never move
 * a query into another site's partition. A start key that fails the check is an `InvalidCursorError`, which the
 * API answers with a 400 naming the `cursor` parameter.
 */
export class InvalidCursorError extends Error {
  constructor() {
    super('not a cursor returned by this API for this query and site');
    this.name = 'InvalidCursorError';
  }
}

export function checkStartKey<T extends z.ZodType>(startKey: unknown, schema: T, belongsToCaller: (key: z.infer<T>) => boolean): z.infer<T> {
  const parsed = schema.safeParse(startKey);
  if (!parsed.success || !belongsToCaller(parsed.data)) throw new InvalidCursorError();
  return parsed.data;
}
