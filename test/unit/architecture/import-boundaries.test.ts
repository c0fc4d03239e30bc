import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

/**
 * The folders say what may live in them (docs/architecture.md, "Where code lives"); this test holds every import
 * to that. A rule names where a file is and what it must not import; a failure lists `file → import`.
 */

const ROOTS = ['functions', 'lib', 'local', 'scripts', 'bin'];
const FUNCTION_FOLDERS = readdirSync('functions').filter(
  (name) => statSync(join('functions', name)).isDirectory() && !['contracts', 'domain', 'adapters', 'platform'].includes(name),
);

const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : /\.(ts|mts|mjs)$/.test(path) ? [path] : [];
  });

/** Every module a file imports: a project path (without extension) for relative imports, else the package name. */
function importsOf(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const specifiers = [...source.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g)].map(
    (match) => match[1] ?? match[2] ?? '',
  );
  return specifiers.map((specifier) => {
    if (!specifier.startsWith('.')) return specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0] ?? specifier;
    const target = normalize(join(dirname(file), specifier));
    return existsSync(`${target}.ts`) || existsSync(target) ? target : `${target} (unresolved)`;
  });
}

const ALL = ROOTS.flatMap(filesUnder).map((file) => ({ file, imports: importsOf(file) }));
const under = (prefix: string) => ALL.filter(({ file }) => file.startsWith(prefix));
const isProject = (target: string) => ROOTS.some((root) => target === root || target.startsWith(`${root}/`)) || target.startsWith('test/');

/** `file → import` for each import that breaks the rule. */
function offenders(files: typeof ALL, forbidden: (target: string, file: string) => boolean): string[] {
  return files.flatMap(({ file, imports }) => imports.filter((target) => forbidden(target, file)).map((target) => `${file} → ${target}`));
}

const AWS_RUNTIME_PACKAGES = ['@aws-sdk/', 'aws-lambda', '@aws-lambda-powertools/', '@middy/'];
const isAwsRuntime = (target: string) => AWS_RUNTIME_PACKAGES.some((name) => target === name.replace(/\/$/, '') || target.startsWith(name));
const functionFolderOf = (path: string): string | undefined => {
  const [root, folder] = path.split('/');
  return root === 'functions' && folder && FUNCTION_FOLDERS.includes(folder) ? folder : undefined;
};

describe('import boundaries', () => {
  it('finds the project files and their imports', () => {
    expect(under('functions/domain/').length).toBeGreaterThan(10);
    expect(FUNCTION_FOLDERS).toEqual(expect.arrayContaining(['ingest', 'enrichment', 'leads-api', 'authorizer', 'snippet', 'salt-cleanup']));
    expect(ALL.flatMap(({ imports }) => imports).filter((target) => target.endsWith('(unresolved)'))).toEqual([]);
  });

  it('domain code is pure: no AWS SDK, no Lambda types, no adapters, platform or function code', () => {
    const forbidden = (target: string) =>
      isAwsRuntime(target) ||
      (isProject(target) && !target.startsWith('functions/domain/') && !target.startsWith('functions/contracts/'));
    expect(offenders(under('functions/domain/'), forbidden)).toEqual([]);
  });

  it('contracts import only contracts and zod, so every process can read them', () => {
    const forbidden = (target: string) => (isProject(target) ? !target.startsWith('functions/contracts/') : !['zod', 'node:crypto'].includes(target));
    expect(offenders(under('functions/contracts/'), forbidden)).toEqual([]);
  });

  it('platform code (HTTP, environment, logs, metrics) imports no domain, adapter or function code', () => {
    const forbidden = (target: string) => isProject(target) && !target.startsWith('functions/platform/') && !target.startsWith('functions/contracts/');
    expect(offenders(under('functions/platform/'), forbidden)).toEqual([]);
  });

  it('adapters import contracts, domain and other adapters, never a function or the HTTP layer', () => {
    const forbidden = (target: string) =>
      isProject(target) && !['functions/contracts/', 'functions/domain/', 'functions/adapters/'].some((prefix) => target.startsWith(prefix));
    expect(offenders(under('functions/adapters/'), forbidden)).toEqual([]);
  });

  it('a function folder never imports another function folder, and nothing under functions/ imports lib, local or scripts', () => {
    const forbidden = (target: string, file: string) => {
      if (['lib/', 'local/', 'scripts/', 'test/', 'bin/'].some((prefix) => target.startsWith(prefix))) return true;
      const from = functionFolderOf(file);
      const to = functionFolderOf(target);
      return to !== undefined && to !== from;
    };
    expect(offenders(under('functions/'), forbidden)).toEqual([]);
  });

  it('the CDK app reaches functions/ only through contracts (functions are bundled from their entry files)', () => {
    const forbidden = (target: string) => target.startsWith('functions/') && !target.startsWith('functions/contracts/');
    expect(offenders([...under('lib/'), ...under('bin/')], forbidden)).toEqual([]);
  });

  it('the local runtime reaches functions/ through contracts, adapters (against the emulators) and app entries', () => {
    const forbidden = (target: string) => {
      if (!target.startsWith('functions/')) return false;
      if (target.startsWith('functions/contracts/') || target.startsWith('functions/adapters/')) return false;
      return !(functionFolderOf(target) !== undefined && target.endsWith('/app'));
    };
    expect(offenders(under('local/'), forbidden)).toEqual([]);
  });

  it('nothing but scripts and tests imports scripts; product code never imports tests', () => {
    const forbidden = (target: string, file: string) =>
      target.startsWith('test/') || (target.startsWith('scripts/') && !file.startsWith('scripts/'));
    expect(offenders(ALL, forbidden)).toEqual([]);
  });

  it('lists every import relative to the project root', () => {
    // Guards the resolver above: a rule can only hold if the paths it compares are the project's own.
    const sample = ALL.find(({ file }) => file === join('functions', 'ingest', 'handler.ts'));
    expect(sample?.imports).toEqual(expect.arrayContaining([relative('.', 'functions/ingest/app')]));
  });
});
