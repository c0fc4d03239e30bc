/**
 * Type-checks and bundles the dashboard (dashboard/src) into build/dashboard: hashed files under assets/ (served
 * with `Cache-Control: immutable`) and manifest.json naming the entry script and style, which the dashboard
 * function serves (functions/dashboard/assets.ts). Prints the page weights and fails when a page is over its
 * budget (issue 17): the feed's first load (HTML, CSS and the scripts it loads) at most 60 KB gzipped, the company
 * page with its chart at most 90 KB.
 *
 *   npx tsx scripts/build/dashboard.ts             always rebuild
 *   npx tsx scripts/build/dashboard.ts --if-stale  rebuild only when the sources, this script or esbuild changed
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Metafile, version as esbuildVersion } from 'esbuild';
import { appShell } from '../../functions/dashboard/pages';
import type { DashboardManifest } from '../../functions/dashboard/assets';
import { loadCdkJsonConfig } from '../../lib/config';
import { privacyReport } from '../ops/privacy-report';

export const BUDGETS_GZIP_BYTES = { feed: 60 * 1024, company: 90 * 1024 } as const;

export interface PageWeights {
  /** Gzipped bytes of the HTML shell, the stylesheet and every script the page loads. */
  readonly feed: number;
  readonly company: number;
  readonly files: Readonly<Record<string, { raw: number; gzip: number }>>;
}

export class DashboardBudgetError extends Error {}

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? filesUnder(join(dir, name)) : [join(dir, name)]));

function sourceHash(repoRoot: string): string {
  const hash = createHash('sha256').update(`esbuild ${esbuildVersion}\n`);
  const files = [
    ...filesUnder(join(repoRoot, 'dashboard')),
    join(repoRoot, 'scripts', 'build', 'dashboard.ts'),
    join(repoRoot, 'functions', 'dashboard', 'pages.ts'),
    join(repoRoot, 'scripts', 'ops', 'privacy-report.ts'),
    join(repoRoot, 'cdk.json'),
  ].sort();
  for (const file of files) hash.update(`${relative(repoRoot, file)}\n`).update(readFileSync(file));
  return hash.digest('hex');
}

async function typeCheck(repoRoot: string): Promise<void> {
  const { default: ts } = await import('typescript');
  const configPath = join(repoRoot, 'dashboard', 'tsconfig.json');
  const parsed = ts.getParsedCommandLineOfConfigFile(configPath, {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    },
  });
  if (!parsed) throw new Error(`Cannot read ${configPath}`);
  const diagnostics = [...parsed.errors, ...ts.getPreEmitDiagnostics(ts.createProgram(parsed.fileNames, parsed.options))];
  if (diagnostics.length > 0) {
    const text = ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (name) => name, getCurrentDirectory: () => repoRoot, getNewLine: () => '\n' });
    throw new Error(`the dashboard does not type-check:\n${text}`);
  }
}

/** The output files an entry loads before it runs (static imports, transitively): what a first visit downloads. */
function staticClosure(metafile: Metafile, output: string): string[] {
  const seen = new Set<string>();
  const visit = (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    for (const imported of metafile.outputs[path]?.imports ?? []) if (imported.kind === 'import-statement') visit(imported.path);
  };
  visit(output);
  return [...seen];
}

/** The chunk that holds a module (e.g. uPlot), loaded by dynamic import when a chart is drawn. */
function chunkHolding(metafile: Metafile, inputFragment: string): string | undefined {
  return Object.entries(metafile.outputs).find(([, output]) => Object.keys(output.inputs).some((input) => input.includes(inputFragment)))?.[0];
}

export async function buildDashboard(options: { repoRoot?: string; outDir?: string; ifStale?: boolean; log?: (line: string) => void } = {}): Promise<PageWeights> {
  const repoRoot = resolve(options.repoRoot ?? process.cwd());
  const outDir = resolve(options.outDir ?? join(repoRoot, 'build', 'dashboard'));
  const log = options.log ?? ((line: string) => console.log(line));
  const hash = sourceHash(repoRoot);
  const weightsPath = join(outDir, 'weights.json');
  if (options.ifStale && existsSync(weightsPath)) {
    const previous = JSON.parse(readFileSync(weightsPath, 'utf8')) as PageWeights & { sourceHash: string };
    if (previous.sourceHash === hash && existsSync(join(outDir, 'manifest.json'))) {
      log(`dashboard: up to date; feed ${previous.feed} B, company ${previous.company} B gzipped`);
      return previous;
    }
  }

  await typeCheck(repoRoot);
  const assetsDir = join(outDir, 'assets');
  const result = await build({
    entryPoints: { main: join(repoRoot, 'dashboard', 'src', 'main.ts'), app: join(repoRoot, 'dashboard', 'src', 'app.css') },
    absWorkingDir: repoRoot,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    // Browsers of the last few years: ES modules, optional chaining; no polyfills.
    target: ['es2020', 'chrome90', 'firefox90', 'safari15'],
    minify: true,
    legalComments: 'linked',
    entryNames: '[name]-[hash]',
    chunkNames: 'chunk-[hash]',
    outdir: assetsDir,
    metafile: true,
    write: false,
    logLevel: 'silent',
  });

  const files = new Map<string, Uint8Array>();
  for (const file of result.outputFiles) files.set(basename(file.path), file.contents);
  // Not an asset: assets are public, the record is served to signed-in people only (GET /privacy-record).
  const report = privacyReport(loadCdkJsonConfig(repoRoot));
  const reportPath = 'documents/privacy-report.md';

  const metafile = result.metafile;
  const outputOf = (entry: string) => Object.keys(metafile.outputs).find((path) => metafile.outputs[path]?.entryPoint?.endsWith(entry));
  const script = outputOf('main.ts');
  const style = Object.keys(metafile.outputs).find((path) => basename(path).startsWith('app-') && path.endsWith('.css'));
  if (!script || !style) throw new Error('esbuild produced no entry script or style');
  const manifest: DashboardManifest = {
    entry: { script: basename(script), style: basename(style), preload: staticClosure(metafile, script).slice(1).map((path) => basename(path)) },
    files: Object.fromEntries([...files.keys()].map((name) => [name, { contentType: CONTENT_TYPES[name.slice(name.lastIndexOf('.'))] ?? 'application/octet-stream' }])),
    documents: { privacyReport: reportPath },
  };

  const sizes: Record<string, { raw: number; gzip: number }> = {};
  for (const [name, contents] of files) sizes[name] = { raw: contents.length, gzip: gzipSync(contents, { level: 9 }).length };
  const shell = Buffer.from(appShell(manifest));
  const gzipOf = (names: readonly string[]) => names.reduce((sum, name) => sum + (sizes[name]?.gzip ?? 0), gzipSync(shell, { level: 9 }).length);
  const feedFiles = [...staticClosure(metafile, script).map((path) => basename(path)), basename(style)];
  const chartChunk = chunkHolding(metafile, 'node_modules/uplot');
  const companyFiles = [...feedFiles, ...(chartChunk ? staticClosure(metafile, chartChunk).map((path) => basename(path)) : [])];
  const weights: PageWeights = { feed: gzipOf(feedFiles), company: gzipOf([...new Set(companyFiles)]), files: sizes };

  const summary = `dashboard: feed first load ${weights.feed} B gzipped (budget ${BUDGETS_GZIP_BYTES.feed}), company page with chart ${weights.company} B (budget ${BUDGETS_GZIP_BYTES.company})`;
  if (weights.feed > BUDGETS_GZIP_BYTES.feed || weights.company > BUDGETS_GZIP_BYTES.company) throw new DashboardBudgetError(`${summary}: over budget`);

  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(assetsDir, { recursive: true });
  for (const [name, contents] of files) writeFileSync(join(assetsDir, name), contents);
  mkdirSync(join(outDir, 'documents'), { recursive: true });
  writeFileSync(join(outDir, reportPath), report);
  writeFileSync(join(outDir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  for (const [name, size] of Object.entries(sizes)) log(`dashboard: ${name} ${size.raw} B, ${size.gzip} B gzipped`);
  log(summary);
  // Last, so an interrupted build is never mistaken for a finished one.
  writeFileSync(weightsPath, `${JSON.stringify({ ...weights, sourceHash: hash }, null, 2)}\n`);
  return weights;
}

if (/(?:^|[\\/])build[\\/]dashboard\.[cm]?[jt]s$/.test(process.argv[1] ?? '')) {
  buildDashboard({ ifStale: process.argv.includes('--if-stale') }).catch((error: unknown) => {
    console.error(`dashboard: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
