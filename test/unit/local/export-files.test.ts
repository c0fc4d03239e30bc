import { mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { LocalExportFiles } from '../../../local/export-files';

/** The local stand-in for the export bucket: only links it signed, only until they expire, only its own files. */
const KEY = `demo/${'a'.repeat(25)}.csv`;
let dir: string;
let now: Date;
let files: LocalExportFiles;
let server: Server;
let base: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'eirlead-export-files-'));
  now = new Date('2026-12-04T12:00:00Z');
  files = new LocalExportFiles(dir, Buffer.alloc(32, 7), () => now);
  server = createServer((req, res) => files.serve(req, res, new URL(req.url ?? '/', 'http://127.0.0.1')));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  files.serveAt(base);
  await files.write(KEY, Readable.from(['leadId\n', 'x\n']), 'text/csv');
});
afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

it('serves a file under the link it signed, as an attachment', async () => {
  const response = await fetch(await files.downloadUrl(KEY, 900, 'eirlead-demo.csv'));
  expect(response.status).toBe(200);
  expect(response.headers.get('content-disposition')).toBe('attachment; filename="eirlead-demo.csv"');
  expect(await response.text()).toBe('leadId\nx\n');
});

it('refuses a link with another file name, expiry or key, and one signed by another runtime', async () => {
  const url = new URL(await files.downloadUrl(KEY, 900, 'eirlead-demo.csv'));
  const renamed = new URL(url);
  renamed.searchParams.set('name', 'other.csv');
  const extended = new URL(url);
  extended.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 3600));
  const otherKey = new URL(url.href.replace('a'.repeat(25), 'b'.repeat(25)));
  const foreign = await new LocalExportFiles(dir, Buffer.alloc(32, 8), () => now).downloadUrl(KEY, 900, 'eirlead-demo.csv');
  for (const link of [renamed.href, extended.href, otherKey.href, foreign.replace(/^http:\/\/127\.0\.0\.1/, base)]) {
    expect((await fetch(link)).status).toBe(403);
  }
});

it('refuses a link once it has expired', async () => {
  const url = await files.downloadUrl(KEY, 900, 'eirlead-demo.csv');
  now = new Date(now.getTime() + 901_000);
  const response = await fetch(url);
  expect(response.status).toBe(403);
  expect(((await response.json()) as { error: { code: string } }).error.code).toBe('Expired');
});

it('never writes or signs outside its directory', async () => {
  await expect(files.write('../escape.csv', Readable.from(['x']), 'text/csv')).rejects.toThrow('Not an export object key');
  await expect(files.downloadUrl(`demo/../../${'a'.repeat(25)}.csv`, 900, 'x.csv')).rejects.toThrow('Not an export object key');
});

it('sweeps files older than the retention, as the bucket lifecycle does', () => {
  const old = new Date(now.getTime() - 25 * 3_600_000);
  utimesSync(join(dir, KEY), old, old);
  expect(files.sweep(24 * 3_600_000)).toBe(1);
  expect(files.sweep(24 * 3_600_000)).toBe(0);
});
