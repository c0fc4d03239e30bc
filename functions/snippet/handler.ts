import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { requireEnv } from '../platform/env';
import { header, SECURITY_HEADERS } from '../platform/http';

// GET /v1/snippet.js: the tracking snippet, built by scripts/build/snippet.ts and copied into the bundle
// (locally: build/snippet/eirlead.js). Read once per cold start; it changes only with a deployment.

const code = readFileSync(requireEnv('SNIPPET_FILE'), 'utf8');
const etag = `"${createHash('sha256').update(code).digest('base64url').slice(0, 22)}"`;

/**
 * Browsers may keep it an hour, so a release reaches every visitor within an hour; revalidation by ETag
 * costs a 304 without the body after that. The API's security headers apply here too (`nosniff` matters most:
 * it is served as script from an API domain).
 */
const HEADERS = {
  ...SECURITY_HEADERS,
  'Content-Type': 'text/javascript; charset=utf-8',
  'Cache-Control': 'public, max-age=3600',
  ETag: etag,
};

export async function handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const ifNoneMatch = header(event, 'if-none-match');
  if (ifNoneMatch?.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)) {
    return { statusCode: 304, headers: HEADERS, body: '' };
  }
  return { statusCode: 200, headers: HEADERS, body: code };
}
