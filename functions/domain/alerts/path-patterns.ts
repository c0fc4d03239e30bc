/**
 * Path patterns of alert rules: `/pricing` (that page), `/pricing/*` (one segment below it), `/docs/**` (any depth
 * below it). A trailing slash is ignored on both sides, so `/pricing` also matches `/pricing/`.
 */
const trimSlash = (path: string): string => (path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path);

export function compilePathPattern(pattern: string): RegExp {
  const source = trimSlash(pattern)
    .split(/(\*\*|\*)/)
    .map((piece) => (piece === '**' ? '.*' : piece === '*' ? '[^/]*' : piece.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`);
}

export function matchesAnyPath(patterns: readonly string[], paths: readonly string[]): boolean {
  const compiled = patterns.map(compilePathPattern);
  return paths.some((path) => compiled.some((pattern) => pattern.test(trimSlash(path))));
}
