import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join, resolve, sep } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ExportStorage } from '../functions/adapters/s3/export-storage';

/**
 * The local stand-in for the export bucket: files under `<data dir>/exports`, downloaded from the local runtime at
 * `/local/exports/{site}/{file}` under a URL signed like an S3 pre-signed one: HMAC-SHA256 over the key, the file
 * name and the expiry, checked in constant time, refused once expired. Files older than a day are deleted, as the
 * bucket's lifecycle rule does.
 */
export const LOCAL_EXPORTS_PATH = '/local/exports/';
/** `{site}/{export id}.{format}`: nothing else is ever served, so a crafted key cannot leave the directory. */
const OBJECT_KEY = /^[a-z0-9][a-z0-9-]{0,62}\/[a-z0-9]{25}\.(csv|ndjson)$/;

export class LocalExportFiles implements ExportStorage {
  private readonly secret: Buffer;
  private baseUrl = 'http://127.0.0.1';

  constructor(
    readonly directory: string,
    secret?: Buffer,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.secret = secret ?? randomBytes(32);
  }

  /** The runtime's address, known once it listens. */
  serveAt(baseUrl: string): void {
    this.baseUrl = baseUrl;
  }

  async write(key: string, body: Readable, _contentType: string): Promise<{ bytes: number }> {
    const path = this.pathOf(key);
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    let bytes = 0;
    const counted = new PassThrough();
    counted.on('data', (chunk: Buffer) => (bytes += chunk.length));
    await pipeline(body, counted, createWriteStream(path, { mode: 0o600 }));
    return { bytes };
  }

  async downloadUrl(key: string, seconds: number, fileName: string): Promise<string> {
    this.pathOf(key);
    const expires = Math.floor(this.clock().getTime() / 1000) + seconds;
    const query = new URLSearchParams({ name: fileName, expires: String(expires), signature: this.sign(key, fileName, expires) });
    return `${this.baseUrl}${LOCAL_EXPORTS_PATH}${key}?${query}`;
  }

  /** Answers a download; returns the status sent. */
  serve(req: IncomingMessage, res: ServerResponse, url: URL): number {
    req.resume();
    const key = decodeURIComponent(url.pathname.slice(LOCAL_EXPORTS_PATH.length));
    const name = url.searchParams.get('name') ?? '';
    const expires = Number(url.searchParams.get('expires'));
    const given = Buffer.from(url.searchParams.get('signature') ?? '', 'base64url');
    const expected = Buffer.from(this.sign(key, name, expires), 'base64url');
    const valid = OBJECT_KEY.test(key) && given.length === expected.length && timingSafeEqual(given, expected);
    const deny = (status: number, code: string, message: string): number => {
      res.writeHead(status, { 'Content-Type': 'application/json', 'X-Content-Type-Options': 'nosniff' });
      res.end(JSON.stringify({ error: { code, message } }));
      return status;
    };
    if (!valid) return deny(403, 'Forbidden', 'Not a download link this runtime made');
    if (expires * 1000 < this.clock().getTime()) return deny(403, 'Expired', 'The download link has expired; read the export again for a new one');
    const path = this.pathOf(key);
    let size: number;
    try {
      size = statSync(path).size;
    } catch {
      return deny(404, 'NotFound', 'The export file is gone');
    }
    res.writeHead(200, {
      'Content-Type': key.endsWith('.csv') ? 'text/csv; charset=utf-8' : 'application/x-ndjson',
      'Content-Length': size,
      'Content-Disposition': `attachment; filename="${name.replace(/[^\w.-]/g, '_')}"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    createReadStream(path).pipe(res);
    return 200;
  }

  /** Deletes files older than `maxAgeMs`, as the bucket's lifecycle rule does (a day). Returns how many. */
  sweep(maxAgeMs: number): number {
    let removed = 0;
    const cutoff = this.clock().getTime() - maxAgeMs;
    for (const entry of readdirSync(this.directory, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const path = join(entry.parentPath, entry.name);
      if (statSync(path).mtimeMs < cutoff) {
        rmSync(path, { force: true });
        removed++;
      }
    }
    return removed;
  }

  private sign(key: string, name: string, expires: number): string {
    return createHmac('sha256', this.secret).update(`${key}\n${name}\n${expires}`).digest('base64url');
  }

  private pathOf(key: string): string {
    if (!OBJECT_KEY.test(key)) throw new Error(`Not an export object key: ${key}`);
    const path = resolve(this.directory, key);
    if (!path.startsWith(resolve(this.directory) + sep)) throw new Error(`Not an export object key: ${key}`);
    return join(path);
  }
}
