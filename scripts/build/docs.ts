/**
 * Builds build/docs, what the docs function serves at /docs: the page and its start script
 * (functions/docs/page/) and Redoc's standalone bundle, copied from the redoc package (self-hosted, no CDN).
 * The bundle's one address elsewhere, the sidebar's "API docs by Redocly" logo on Redoc's CDN, is replaced by an
 * empty image, which Redoc hides as it does a logo that fails to load: the page asks no other origin for anything
 * (its CSP would refuse it, with an error in the console). Prints the sizes. Cheap, so it always rebuilds.
 *
 *   npx tsx scripts/build/docs.ts
 */
import { copyFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export const DOCS_BUILD_DIR = join('build', 'docs');
/** Where Redoc's bundle loads its logo from, and what the build puts there instead. */
export const REDOC_CDN_LOGO = 'https://cdn.redoc.ly/redoc/logo-mini.svg';
const EMPTY_IMAGE = 'data:,';

export function buildDocs(outDir = DOCS_BUILD_DIR, log: (line: string) => void = console.log): void {
  mkdirSync(outDir, { recursive: true });
  const redoc = createRequire(import.meta.url).resolve('redoc/bundles/redoc.standalone.js');
  const sources: Record<string, string> = {
    'index.html': join('functions', 'docs', 'page', 'index.html'),
    'init.js': join('functions', 'docs', 'page', 'init.js'),
    'redoc.standalone.js': redoc,
  };
  for (const [name, source] of Object.entries(sources)) {
    const target = join(outDir, name);
    if (source === redoc) {
      const bundle = readFileSync(source, 'utf8');
      if (!bundle.includes(REDOC_CDN_LOGO)) throw new Error(`docs: ${REDOC_CDN_LOGO} is no longer in Redoc's bundle; check what it loads from elsewhere`);
      writeFileSync(target, bundle.replaceAll(REDOC_CDN_LOGO, EMPTY_IMAGE));
    } else copyFileSync(source, target);
    const bytes = statSync(target).size;
    log(`docs: ${name} ${(bytes / 1024).toFixed(0)} KB (${(gzipSync(readFileSync(target)).length / 1024).toFixed(0)} KB gzipped)`);
  }
}

if (process.argv[1]?.endsWith('docs.ts')) buildDocs();
