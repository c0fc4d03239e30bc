import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { header, matchesEtag, REQUEST_ID_HEADER, requestIdOf, SECURITY_HEADERS } from '../platform/http';

// GET /docs and GET /docs/{asset}: the API reference page, Redoc's standalone bundle rendering GET /v1/openapi.json,
// all served from this function (no CDN). Built into build/docs by scripts/build/docs.ts; read once per cold start.

/**
 * Scripts only from this origin and never inline or eval'd; the document fetched from this origin only; nothing may
 * frame the page. Redoc (styled-components) adds `<style>` elements at run time, hence `style-src 'unsafe-inline'`
 * (styles, not scripts); its search index runs in a Web Worker it starts from a `blob:` URL.
 */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** The files under DOCS_DIR the function answers, by the path's `asset` (and `index.html` for /docs). */
export const DOCS_FILES = {
  'index.html': 'text/html; charset=utf-8',
  'redoc.standalone.js': 'text/javascript; charset=utf-8',
  'init.js': 'text/javascript; charset=utf-8',
} as const;

type DocsFiles = ReadonlyMap<string, { readonly body: string; readonly contentType: string; readonly etag: string }>;

export interface DocsDependencies {
  /** The files, read on first use (once per cold start) and kept. */
  readonly files: () => DocsFiles;
}

export function docsDependencies(docsDir: string): DocsDependencies {
  let files: DocsFiles | undefined;
  const read = (): DocsFiles =>
    new Map(
      Object.entries(DOCS_FILES).map(([name, contentType]) => {
        const body = readFileSync(join(docsDir, name), 'utf8');
        return [name, { body, contentType, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` }] as const;
      }),
    );
  return { files: () => (files ??= read()) };
}

export function createHandler(deps: DocsDependencies) {
  return async function serveDocs(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
    const files = deps.files();
    const requestId = requestIdOf(event);
    const name = event.resource === '/docs' ? 'index.html' : (event.pathParameters?.asset ?? '');
    const file = name === 'index.html' && event.resource !== '/docs' ? undefined : files.get(name);
    const base = { ...SECURITY_HEADERS, ...(requestId ? { [REQUEST_ID_HEADER]: requestId } : {}) };
    if (!file) {
      const body = { error: { code: 'NotFound', message: `No asset ${name}`, ...(requestId ? { requestId } : {}) } };
      return { statusCode: 404, headers: { ...base, 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }, body: JSON.stringify(body) };
    }
    const headers = {
      ...base,
      'Content-Type': file.contentType,
      'Content-Security-Policy': DOCS_CSP,
      'X-Frame-Options': 'DENY',
      // Changes only with a deployment; revalidated by ETag after five minutes.
      'Cache-Control': 'public, max-age=300',
      ETag: file.etag,
    };
    if (matchesEtag(header(event, 'if-none-match'), file.etag)) return { statusCode: 304, headers, body: '' };
    return { statusCode: 200, headers, body: file.body };
  };
}
