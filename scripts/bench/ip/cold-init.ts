/** Bundles and fresh processes: the enrichment bundle as the Lambda gets it, and cold loads timed in new processes. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build, type BuildOptions } from 'esbuild';
import { DEFAULT_BEHAVIOUR_LIMITS, DEFAULT_RETENTION, NO_IP_OVERRIDES, SitesSchema } from '../../../functions/contracts/deployment-config';
import { encodeEnvironment } from '../../../functions/contracts/environment';
import { FUNCTIONS } from '../../../functions/contracts/functions';
import { ASN_FILE } from '../../../functions/domain/ip-intel/format';
import { median } from './timing';

export const ROOT = resolve(process.cwd());
const OUT_DIR = join(ROOT, 'build', 'bench-ip');
export const CHILD_RUNS = 7;
/**
 * The node the fresh processes run: this one, or BENCH_NODE, e.g. the Lambda runtime's major version (Node 24), whose
 * cold start differs from older nodes' (it reads a bundle's source map only when a stack trace needs it).
 */
export const CHILD_NODE = process.env.BENCH_NODE ?? process.execPath;

export function childNodeVersion(): string {
  return spawnSync(CHILD_NODE, ['--version'], { encoding: 'utf8' }).stdout.trim();
}

/** What a child process printed: one JSON line of figures. */
export type ChildFigures = Record<string, number>;
export type EnrichmentInit = ChildFigures | { error: string };

export interface Bundled {
  handler: string;
  handlerBytes: number;
  mapBytes: number;
  probe: string;
}

/** The bundling options of lib/constructs/lambda-function.ts (NodejsFunction passes the same flags to esbuild). */
const LAMBDA_BUNDLING: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
  mainFields: ['module', 'main'],
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  external: [],
  logLevel: 'silent',
};

/** Child-process probe: times loading in a process that has loaded nothing else, prints one JSON line. */
const PROBE_SOURCE = `
import { readFileSync } from 'node:fs';
import { AsnTable } from '${ROOT}/functions/domain/ip-intel/asn-table';
import { loadIpIntel } from '${ROOT}/functions/domain/ip-intel';
const [mode, dir] = process.argv.slice(2);
const t0 = performance.now();
if (mode === 'artefact') {
  const table = new AsnTable(readFileSync(dir + '/${ASN_FILE}'));
  const loaded = performance.now();
  // The first lookup of each family builds its lazy search indexes.
  table.spanV4(0x08080800, 0x080808ff);
  table.coveringV4(0x08080800, 0x080808ff);
  table.coveringV6(0x20010db8, 0, 0x20010db8, 0xffff);
  const ready = performance.now();
  console.log(JSON.stringify({ loadMs: loaded - t0, readyMs: ready - t0 }));
} else {
  const intel = loadIpIntel(dir);
  const loaded = performance.now();
  intel.lookupOrganisation('192.0.2.0/24');
  intel.lookupOrganisation('2001:db8::/48');
  intel.locate('192.0.2.0/24');
  const ready = performance.now();
  globalThis.gc?.();
  const m = process.memoryUsage();
  console.log(JSON.stringify({ loadMs: loaded - t0, readyMs: ready - t0, rss: m.rss, heapUsed: m.heapUsed, arrayBuffers: m.arrayBuffers, external: m.external }));
}
`;

const INIT_SOURCE = `
import { pathToFileURL } from 'node:url';
const t0 = performance.now();
await import(pathToFileURL(process.argv[1]).href);
const t1 = performance.now();
console.log(JSON.stringify({ importMs: t1 - t0, sinceProcessStartMs: t1, rss: process.memoryUsage().rss }));
`;

export async function bundle(): Promise<Bundled> {
  mkdirSync(OUT_DIR, { recursive: true });
  const handler = join(OUT_DIR, 'enrichment', 'index.mjs');
  await build({ ...LAMBDA_BUNDLING, entryPoints: [join(ROOT, 'functions', 'enrichment', 'handler.ts')], outfile: handler });
  const probe = join(OUT_DIR, 'load-probe.mjs');
  await build({
    ...LAMBDA_BUNDLING,
    sourcemap: false,
    stdin: { contents: PROBE_SOURCE, resolveDir: ROOT, sourcefile: 'load-probe.ts', loader: 'ts' },
    outfile: probe,
  });
  return { handler, handlerBytes: statSync(handler).size, mapBytes: statSync(`${handler}.map`).size, probe };
}

function runChild(args: string[], env: NodeJS.ProcessEnv = process.env): ChildFigures {
  const child = spawnSync(CHILD_NODE, args, { cwd: ROOT, env, encoding: 'utf8', timeout: 30_000 });
  const line = child.stdout.trim().split('\n').pop() ?? '';
  if (child.status !== 0 || !line.startsWith('{')) {
    throw new Error(`child process failed (${child.status}): ${child.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  }
  return JSON.parse(line) as ChildFigures;
}

/** Median of each field over CHILD_RUNS fresh processes. */
export function medianOfRuns(args: string[], env?: NodeJS.ProcessEnv): ChildFigures {
  const runs = Array.from({ length: CHILD_RUNS }, () => runChild(args, env));
  const keys = Object.keys(runs[0] ?? {});
  return Object.fromEntries(keys.map((k) => [k, median(runs.map((r) => r[k] ?? NaN))]));
}

/** The enrichment bundle's cold init; a failure is reported in the figures rather than ending the benchmark. */
export function enrichmentColdInit(handler: string, dataDir: string): EnrichmentInit {
  try {
    return medianOfRuns(['--input-type=module', '-e', INIT_SOURCE, handler], {
      ...process.env,
      // As the Lambda has them (lib/constructs/lambda-function.ts); encoded from the function table, so a new
      // variable cannot be forgotten here. Nothing here calls AWS.
      NODE_OPTIONS: '--enable-source-maps',
      AWS_REGION: 'eu-west-1',
      POWERTOOLS_SERVICE_NAME: FUNCTIONS.enrichment.serviceName,
      ...encodeEnvironment(FUNCTIONS.enrichment.environment, {
        IP_DATA_DIR: dataDir,
        TABLE_NAME: 'bench',
        RETENTION: DEFAULT_RETENTION,
        SITES: SitesSchema.parse([{ siteId: 'bench', allowedOrigins: ['https://bench.example'] }]),
        IP_OVERRIDES: NO_IP_OVERRIDES,
        LIMITS: DEFAULT_BEHAVIOUR_LIMITS,
      }),
    });
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}
