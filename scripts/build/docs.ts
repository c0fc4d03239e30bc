/**
 * Builds build/docs, what the docs function serves at /docs: the page and its start script
 * (functions/docs/page/) and Redoc's standalone bundle, copied from the redoc package (self-hosted, no CDN).
 * Prints the sizes. Cheap, so it always rebuilds.
 *
 *   npx tsx scripts/build/docs.ts
 */
import { copyFileSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export const DOCS_BUILD_DIR = join('build', 'docs');

export function buildDocs(outDir = DOCS_BUILD_DIR, log: (line: string) => void = console.log): void {
  mkdirSync(outDir, { recursive: true });
  const redoc = createRequire(import.meta.url).resolve('redoc/bundles/redoc.standalone.js');
  const sources: Record<string, string> = {
    'index.html': join('functions', 'docs', 'page', 'index.html'),
    'init.js': join('functions', 'docs', 'page', 'init.js'),
    'redoc.standalone.js': redoc,
  };
  for (const [name, source] of Object.entries(sources)) {
    copyFileSync(source, join(outDir, name));
    const bytes = statSync(source).size;
    log(`docs: ${name} ${(bytes / 1024).toFixed(0)} KB (${(gzipSync(readFileSync(source)).length / 1024).toFixed(0)} KB gzipped)`);
  }
}

if (process.argv[1]?.endsWith('docs.ts')) buildDocs();
