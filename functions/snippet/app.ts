import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { EVENTS_URL_PLACEHOLDER, EVENTS_URL_VARIABLE } from '../contracts/names';
import { header, matchesEtag, REQUEST_ID_HEADER, requestIdOf, SECURITY_HEADERS } from '../platform/http';

// GET /v1/snippet.js: the tracking snippet, built by scripts/build/snippet.ts and copied into the bundle
// (locally: build/snippet/eirlead.js). Read once per cold start; it changes only with a deployment.

export interface SnippetDependencies {
  /** The script's source, as served. */
  readonly code: string;
}

/**
 * The script at the path the function table's `SNIPPET_FILE` names (functions/contracts/functions.ts), sending
 * events to `eventsUrl` when given (`EVENTS_URL`, the ingest function URL's `v1/events`) unless a tag says otherwise.
 */
export function snippetDependencies(snippetFile: string, eventsUrl?: string): SnippetDependencies {
  const built = readFileSync(snippetFile, 'utf8');
  if (eventsUrl === undefined) return { code: built };
  const url = URL.parse(eventsUrl);
  // It is written into a string literal of the script: an absolute http(s) URL with nothing that could end it.
  if (!url || !/^https?:$/.test(url.protocol) || /["'`\\\s<>]/.test(eventsUrl)) throw new Error(`${EVENTS_URL_VARIABLE} is not an http(s) URL`);
  if (built.split(EVENTS_URL_PLACEHOLDER).length !== 2) throw new Error(`${snippetFile} does not hold the events URL placeholder once`);
  return { code: built.replace(EVENTS_URL_PLACEHOLDER, eventsUrl) };
}

export function createHandler({ code }: SnippetDependencies) {
  const etag = `"${createHash('sha256').update(code).digest('base64url').slice(0, 22)}"`;
  /**
   * Browsers may keep it an hour, so a release reaches every visitor within an hour; revalidation by ETag
   * costs a 304 without the body after that. The API's security headers apply here too (`nosniff` matters most:
   * it is served as script from an API domain).
   */
  const headers = {
    ...SECURITY_HEADERS,
    'Content-Type': 'text/javascript; charset=utf-8',
    'Cache-Control': 'public, max-age=3600',
    ETag: etag,
  };

  return async function serveSnippet(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
    const requestId = requestIdOf(event);
    const answerHeaders = requestId ? { ...headers, [REQUEST_ID_HEADER]: requestId } : headers;
    if (matchesEtag(header(event, 'if-none-match'), etag)) return { statusCode: 304, headers: answerHeaders, body: '' };
    return { statusCode: 200, headers: answerHeaders, body: code };
  };
}
