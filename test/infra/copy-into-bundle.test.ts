import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../../lib/project-root';

// The script NodejsFunction's afterBundling hook runs (lib/constructs/lambda-function.ts). Synth in tests
// skips bundling, so its behaviour is checked here directly.
const script = join(projectRoot(), 'lib', 'bundling', 'copy-into-bundle.mjs');
const run = (...args: string[]) => spawnSync(process.execPath, [script, ...args], { encoding: 'utf8' });

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'eirlead-copy-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

test('copies the directory into the bundle', () => {
  mkdirSync(join(dir, 'src', 'nested'), { recursive: true });
  writeFileSync(join(dir, 'src', 'nested', 'asn.bin'), 'data');

  const result = run(join(dir, 'src'), join(dir, 'bundle', 'ipdata'));

  expect(result.status).toBe(0);
  expect(readFileSync(join(dir, 'bundle', 'ipdata', 'nested', 'asn.bin'), 'utf8')).toBe('data');
});

test('a missing source fails bundling with a message naming it and how to build it', () => {
  const missing = join(dir, 'build', 'ipdata');

  const result = run(missing, join(dir, 'bundle', 'ipdata'));

  expect(result.status).toBe(1);
  expect(result.stderr).toContain(missing);
  expect(result.stderr).toContain('npm run build:ipdata');
});
