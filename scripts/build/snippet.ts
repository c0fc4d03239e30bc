/**
 * Type-checks and bundles the browser snippet (snippet/eirlead.ts) into build/snippet/eirlead.js, prints its
 * size, and fails when it exceeds the budget of issue 6 (2 KB gzipped): every visitor of every customer site
 * downloads it. It also prints the file's Subresource Integrity value (`sha384-…`) and writes it next to the file
 * (build/snippet/eirlead.js.sri), for a self-hosted copy's `<script integrity=… crossorigin="anonymous">` tag.
 *
 *   npx tsx scripts/build/snippet.ts             always rebuild
 *   npx tsx scripts/build/snippet.ts --if-stale  rebuild only when the sources, this script or esbuild changed
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, version as esbuildVersion } from 'esbuild';

import { SNIPPET_FILE_NAME as SNIPPET_FILE } from '../../functions/contracts/functions';
const MANIFEST_FILE = 'manifest.json';
/** Next to the script, so whoever copies the script finds the value its tag must carry. */
export const SRI_FILE = `${SNIPPET_FILE}.sri`;
export const GZIP_BUDGET_BYTES = 2048;

export interface SnippetBuildOptions {
  /** Repository root. @default process.cwd() */
  readonly repoRoot?: string;
  /** @default `<repoRoot>/build/snippet` */
  readonly outDir?: string;
  readonly ifStale?: boolean;
  /** @default console.log */
  readonly log?: (line: string) => void;
  /** @default GZIP_BUDGET_BYTES (issue 6); only tests ask for another */
  readonly gzipBudgetBytes?: number;
}

export interface SnippetBuildResult {
  readonly file: string;
  readonly rebuilt: boolean;
  readonly rawBytes: number;
  readonly gzipBytes: number;
  /** Subresource Integrity of the file as written: `sha384-` and the base64 SHA-384 digest. */
  readonly integrity: string;
}

/**
 * The `integrity` attribute value for these exact bytes. SHA-384, the strongest of the three hashes every browser
 * supporting SRI accepts (sha256, sha384, sha512) that is also what the SRI specification's examples use.
 */
export function subresourceIntegrity(code: Uint8Array): string {
  return `sha384-${createHash('sha384').update(code).digest('base64')}`;
}

/** Writes the integrity file unless it already holds the value, and says what the tag needs. */
function recordIntegrity(outDir: string, code: Uint8Array, log: (line: string) => void): string {
  const integrity = subresourceIntegrity(code);
  const sriPath = join(outDir, SRI_FILE);
  if (!existsSync(sriPath) || readFileSync(sriPath, 'utf8').trim() !== integrity) writeFileSync(sriPath, `${integrity}\n`);
  log(`snippet: integrity ${integrity} (written to ${SRI_FILE})`);
  return integrity;
}

export class SnippetBudgetError extends Error {}

function sourceHash(repoRoot: string): string {
  const hash = createHash('sha256').update(`esbuild ${esbuildVersion}\n`);
  const snippetDir = join(repoRoot, 'snippet');
  const files = [
    ...readdirSync(snippetDir)
      .filter((name) => /\.(ts|json)$/.test(name))
      .sort()
      .map((name) => join(snippetDir, name)),
    join(repoRoot, 'scripts', 'build', 'snippet.ts'),
  ];
  for (const file of files) hash.update(`${file.slice(repoRoot.length)}\n`).update(readFileSync(file));
  return hash.digest('hex');
}

/** esbuild strips types without checking them; the snippet has its own tsconfig (DOM types, ES2019). */
async function typeCheck(repoRoot: string): Promise<void> {
  // Loaded only when building: the compiler takes seconds to load, and --if-stale usually finds nothing to do.
  const { default: ts } = await import('typescript');
  const configPath = join(repoRoot, 'snippet', 'tsconfig.json');
  const parsed = ts.getParsedCommandLineOfConfigFile(configPath, {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    },
  });
  if (!parsed) throw new Error(`Cannot read ${configPath}`);
  const program = ts.createProgram(parsed.fileNames, parsed.options);
  const diagnostics = [...parsed.errors, ...ts.getPreEmitDiagnostics(program)];
  if (diagnostics.length > 0) {
    const text = ts.formatDiagnostics(diagnostics, {
      getCanonicalFileName: (name) => name,
      getCurrentDirectory: () => repoRoot,
      getNewLine: () => '\n',
    });
    throw new Error(`the snippet does not type-check:\n${text}`);
  }
}

export async function buildSnippet(options: SnippetBuildOptions = {}): Promise<SnippetBuildResult> {
  const repoRoot = resolve(options.repoRoot ?? process.cwd());
  const outDir = resolve(options.outDir ?? join(repoRoot, 'build', 'snippet'));
  const log = options.log ?? ((line: string) => console.log(line));
  const file = join(outDir, SNIPPET_FILE);
  const manifestPath = join(outDir, MANIFEST_FILE);
  const hash = sourceHash(repoRoot);

  if (options.ifStale && existsSync(file) && existsSync(manifestPath)) {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { sourceHash?: string };
    if (manifest.sourceHash === hash) {
      const code = readFileSync(file);
      const gzipBytes = gzipSync(code, { level: 9 }).length;
      log(`snippet: ${SNIPPET_FILE} up to date, ${code.length} bytes, ${gzipBytes} bytes gzipped`);
      // Computed from the file as it is, and rewritten if missing (a build from before the integrity file).
      const integrity = recordIntegrity(outDir, code, log);
      return { file, rebuilt: false, rawBytes: code.length, gzipBytes, integrity };
    }
  }

  await typeCheck(repoRoot);
  const result = await build({
    entryPoints: [join(repoRoot, 'snippet', 'eirlead.ts')],
    bundle: true,
    // A classic script: it must run from a plain <script async> tag, and an IIFE leaks no globals.
    format: 'iife',
    platform: 'browser',
    // Browsers from 2019 on (Chrome/Edge 73+, Firefox 67+, Safari 12.1+) run it without polyfills.
    target: 'es2019',
    minify: true,
    legalComments: 'none',
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.contents;
  if (!code) throw new Error('esbuild produced no output');
  const gzipBytes = gzipSync(code, { level: 9 }).length;
  const budget = options.gzipBudgetBytes ?? GZIP_BUDGET_BYTES;
  const summary = `snippet: ${SNIPPET_FILE} ${code.length} bytes, ${gzipBytes} bytes gzipped (budget ${budget})`;
  if (gzipBytes > budget) {
    // Nothing is written, so --if-stale keeps failing until the snippet shrinks.
    throw new SnippetBudgetError(`${summary}: over budget by ${gzipBytes - budget} bytes`);
  }

  mkdirSync(outDir, { recursive: true });
  writeFileSync(`${file}.tmp`, code);
  renameSync(`${file}.tmp`, file);
  log(summary);
  const integrity = recordIntegrity(outDir, code, log);
  // Last, so an interrupted build is never mistaken for a finished one.
  writeFileSync(manifestPath, `${JSON.stringify({ sourceHash: hash, rawBytes: code.length, gzipBytes }, null, 2)}\n`);
  return { file, rebuilt: true, rawBytes: code.length, gzipBytes, integrity };
}

// Run only as a script, so that tests can import buildSnippet (Jest compiles this file to CommonJS, where
// import.meta does not exist, hence the argv check). The path is build/snippet.ts since the scripts moved into
// scripts/build/; the old `build-snippet.ts` pattern no longer matched, and the script silently did nothing.
if (/(?:^|[\\/])build[\\/]snippet\.[cm]?[jt]s$/.test(process.argv[1] ?? '')) {
  buildSnippet({ ifStale: process.argv.includes('--if-stale') }).catch((error: unknown) => {
    console.error(`snippet: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
