import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormEventSchema } from '../../../functions/contracts/api/events';
import { buildSnippet, GZIP_BUDGET_BYTES, SRI_FILE } from '../../../scripts/build/snippet';
import { emailDomainOf, isSendableUrl, originAndPath, tcfDecision } from '../../../snippet/rules';
import { projectRoot } from '../../../lib/project-root';

describe('emailDomainOf: only the domain of an address ever leaves the browser', () => {
  it.each([
    ['jane@siemens.com', 'siemens.com'],
    ['  Jane.Doe+sales@Sales.SIEMENS.de ', 'sales.siemens.de'],
    ['hans@müller-gmbh.de', 'xn--mller-gmbh-9db.de'],
    ["o'brien@example.org", 'example.org'],
  ])('%j -> %j', (typed, domain) => {
    expect(emailDomainOf(typed)).toBe(domain);
  });

  it.each([
    '',
    'jane',
    'jane@',
    '@siemens.com',
    'jane@localhost',
    'jane@siemens.com.',
    'jane@-siemens.com',
    'jane@siemens.com/path',
    'jane@siemens.com:8080',
    'jane@10.0.0.1@x',
    'jane doe@siemens.com',
    'a@b@siemens.com',
  ])('rejects %j', (typed) => {
    expect(emailDomainOf(typed)).toBeUndefined();
  });

  it('never returns anything the ingest API would refuse as an e-mail domain', () => {
    for (const typed of ['jane@siemens.com', 'x@a-b.co.uk', 'hans@müller.de', 'y@xn--80ak6aa92e.com']) {
      const emailDomain = emailDomainOf(typed);
      const event = { type: 'form', id: '3f0c6f5e-8a4b-4c1e-9d2a-1b2c3d4e5f60', url: 'https://example.com/', emailDomain };
      expect(FormEventSchema.safeParse(event).success).toBe(true);
    }
  });

  it('rejects a domain longer than 253 characters', () => {
    const label = (char: string) => char.repeat(63);
    const justRight = `${label('a')}.${label('b')}.${label('c')}.${'d'.repeat(57)}.com`;
    expect(justRight).toHaveLength(253);
    expect(emailDomainOf(`a@${justRight}`)).toBe(justRight);
    expect(emailDomainOf(`a@x${justRight}`)).toBeUndefined();
  });
});

describe('tcfDecision: purposes 1 and 9, or GDPR not applying', () => {
  const answered = (consents: Record<string, boolean>, extra = {}) => ({
    gdprApplies: true,
    eventStatus: 'useractioncomplete',
    purpose: { consents },
    ...extra,
  });

  it('allows with consent to purposes 1 and 9, on load or after the dialog', () => {
    expect(tcfDecision(answered({ 1: true, 9: true }))).toBe(true);
    expect(tcfDecision(answered({ 1: true, 9: true }, { eventStatus: 'tcloaded' }))).toBe(true);
  });

  it.each([
    ['purpose 9 missing', { 1: true, 7: true, 8: true }],
    ['purpose 1 missing', { 9: true }],
    ['purpose 9 refused', { 1: true, 9: false }],
    ['nothing', {}],
  ])('refuses with %s', (_, consents) => {
    expect(tcfDecision(answered(consents))).toBe(false);
  });

  it('accepts purpose one treatment in place of purpose 1 consent', () => {
    expect(tcfDecision(answered({ 9: true }, { purposeOneTreatment: true }))).toBe(true);
  });

  it('allows when the CMP says GDPR does not apply', () => {
    expect(tcfDecision({ gdprApplies: false, eventStatus: 'tcloaded' })).toBe(true);
  });

  it('has no decision while the dialog is open', () => {
    expect(tcfDecision(answered({ 1: true, 9: true }, { eventStatus: 'cmpuishown' }))).toBeUndefined();
    expect(tcfDecision({ gdprApplies: true })).toBeUndefined();
  });
});

describe('originAndPath', () => {
  it('keeps origin and path: no credentials, query string or fragment', () => {
    expect(originAndPath('https://user:pa55@www.example.com/reset?token=s3cr3t#access_token=abc')).toBe('https://www.example.com/reset');
    expect(originAndPath('http://localhost:5173/demo/pricing?utm_source=mail')).toBe('http://localhost:5173/demo/pricing');
  });

  it('sends nothing for what the API would not accept', () => {
    expect(originAndPath('')).toBeUndefined();
    expect(originAndPath('android-app://com.google.android.gm/')).toBeUndefined();
  });
});

describe('isSendableUrl', () => {
  it('accepts http(s) up to 2048 characters, nothing else', () => {
    expect(isSendableUrl('https://example.com/a?b=c')).toBe(true);
    expect(isSendableUrl(`https://example.com/${'a'.repeat(2028)}`)).toBe(true);
    expect(isSendableUrl(`https://example.com/${'a'.repeat(2029)}`)).toBe(false);
    expect(isSendableUrl('')).toBe(false);
    expect(isSendableUrl('android-app://com.google.android.gm/')).toBe(false);
  });
});

describe('the snippet build', () => {
  const repoRoot = projectRoot();
  let outDir: string;
  let file: string;
  let code: string;
  const log: string[] = [];

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'eirlead-snippet-'));
    const result = await buildSnippet({ repoRoot, outDir, log: (line) => log.push(line) });
    expect(result.rebuilt).toBe(true);
    file = result.file;
    code = readFileSync(result.file, 'utf8');
  }, 60_000);

  /** What a browser computes for an `integrity` attribute: SHA-384 of the bytes it received, base64. */
  const integrityOfFile = () => `sha384-${createHash('sha384').update(readFileSync(file)).digest('base64')}`;
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  it('stays within the gzip budget and says so', () => {
    expect(log.join('\n')).toMatch(/eirlead\.js \d+ bytes, \d+ bytes gzipped \(budget 2048\)/);
    const gzipped = Number(/(\d+) bytes gzipped/.exec(log.join('\n'))?.[1]);
    expect(gzipped).toBeGreaterThan(500);
    expect(gzipped).toBeLessThanOrEqual(GZIP_BUDGET_BYTES);
  });

  it('touches no cookie and no IndexedDB; local storage only for the opt-out, session storage only for the visit', () => {
    expect(code).not.toMatch(/cookie|indexedDB|openDatabase|caches\./);
    // The minifier may pass the key as a literal or through a constant: resolve either to the string.
    const keys = (storage: string) =>
      [...code.matchAll(new RegExp(`${storage}\\.(\\w+)\\(([^,)]+)`, 'g'))].map(([, method, argument = '']) => {
        const literal = argument.startsWith('"') ? argument : new RegExp(`\\b${argument}=("[^"]*")`).exec(code)?.[1];
        return `${method} ${literal === undefined ? `(unresolved ${argument})` : (JSON.parse(literal) as string)}`;
      });
    expect(keys('localStorage').sort()).toEqual(['getItem eirlead:opt-out', 'removeItem eirlead:opt-out', 'setItem eirlead:opt-out']);
    expect(keys('sessionStorage').sort()).toEqual(['getItem eirlead:visit', 'removeItem eirlead:visit', 'setItem eirlead:visit']);
  });

  it('reads no fingerprinting surface', () => {
    expect(code).not.toMatch(/canvas|getContext|plugins|hardwareConcurrency|deviceMemory|screen\.|AudioContext|userAgent/);
  });

  it('fails over budget and writes nothing', async () => {
    const emptyDir = mkdtempSync(join(tmpdir(), 'eirlead-snippet-over-'));
    try {
      await expect(buildSnippet({ repoRoot, outDir: emptyDir, gzipBudgetBytes: 500, log: () => undefined })).rejects.toThrow(
        /bytes gzipped \(budget 500\): over budget by \d+ bytes/,
      );
      expect(readdirSync(emptyDir)).toEqual([]);
    } finally {
      rmSync(emptyDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('prints the Subresource Integrity of the file it wrote and writes it next to the file', () => {
    const printed = /integrity (sha384-[A-Za-z0-9+/]+={0,2})/.exec(log.join('\n'))?.[1];
    expect(printed).toMatch(/^sha384-[A-Za-z0-9+/]{64}$/);
    expect(printed).toBe(integrityOfFile());
    expect(readFileSync(join(outDir, SRI_FILE), 'utf8')).toBe(`${integrityOfFile()}\n`);
  });

  it('an up-to-date build (--if-stale) still prints the integrity, and restores a missing integrity file', async () => {
    rmSync(join(outDir, SRI_FILE));
    const lines: string[] = [];
    const again = await buildSnippet({ repoRoot, outDir, ifStale: true, log: (line) => lines.push(line) });
    expect(again.rebuilt).toBe(false);
    expect(again.integrity).toBe(integrityOfFile());
    expect(lines.join('\n')).toContain(`integrity ${integrityOfFile()}`);
    expect(readFileSync(join(outDir, SRI_FILE), 'utf8').trim()).toBe(integrityOfFile());
  });

  // What `npm run build:snippet` runs. It used to do nothing at all: its run-as-script check looked for the old
  // file name. The repository's own build/snippet is the one used (rebuilt only if stale, as `npm test` does).
  it('run as a script, prints the integrity of build/snippet/eirlead.js', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/build/snippet.ts', '--if-stale'], { cwd: repoRoot, encoding: 'utf8' });
    expect(run.status).toBe(0);
    const printed = /integrity (sha384-\S+)/.exec(run.stdout)?.[1];
    const built = join(repoRoot, 'build', 'snippet');
    expect(printed).toBe(`sha384-${createHash('sha384').update(readFileSync(join(built, 'eirlead.js'))).digest('base64')}`);
    expect(readFileSync(join(built, SRI_FILE), 'utf8').trim()).toBe(printed);
  }, 60_000);

  it('rebuilds only when a source changed (--if-stale)', async () => {
    const again = await buildSnippet({ repoRoot, outDir, ifStale: true, log: () => undefined });
    expect(again.rebuilt).toBe(false);
    expect(readFileSync(again.file, 'utf8')).toBe(code);
  });
});
