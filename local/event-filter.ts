/**
 * The part of Lambda's event filtering (FilterCriteria patterns) the function table uses: a pattern is an object
 * whose leaves are arrays of allowed values; a record matches when every leaf's value at the same path is one of
 * them. The local stream poller applies the same pattern CDK gives the event source mapping, so the alerts function
 * sees locally exactly the records it sees on AWS. Anything richer (prefix, numeric, exists) is refused, not ignored.
 */
export function matchesFilter(pattern: Readonly<Record<string, unknown>>, value: unknown): boolean {
  return Object.entries(pattern).every(([key, wanted]) => {
    const actual = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
    if (Array.isArray(wanted)) {
      if (!wanted.every((candidate) => typeof candidate === 'string' || typeof candidate === 'number' || typeof candidate === 'boolean')) {
        throw new Error(`matchesFilter: only exact-value lists are supported, at ${key}`);
      }
      return wanted.includes(actual as string);
    }
    if (typeof wanted === 'object' && wanted !== null) return matchesFilter(wanted as Record<string, unknown>, actual);
    throw new Error(`matchesFilter: a pattern's leaves must be arrays, at ${key}`);
  });
}
