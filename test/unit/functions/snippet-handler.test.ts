import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { SNIPPET_FILE_NAME } from '../../../functions/contracts/functions';
import { EVENTS_URL_PLACEHOLDER } from '../../../functions/contracts/names';
import { createHandler, snippetDependencies } from '../../../functions/snippet/app';
import { projectRoot } from '../../../lib/project-root';
import { apiEvent } from '../support/events';

const CODE = '(()=>{console.log("snippet")})();\n';
let dir: string;
let handler: (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'eirlead-snippet-handler-'));
  writeFileSync(join(dir, 'eirlead.js'), CODE);
  process.env.SNIPPET_FILE = join(dir, 'eirlead.js');
  ({ handler } = await import('../../../functions/snippet/handler'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const get = (headers: Record<string, string> = {}) =>
  handler(apiEvent({ httpMethod: 'GET', resource: '/v1/snippet.js', path: '/v1/snippet.js', headers }));

describe('GET /v1/snippet.js', () => {
  it('serves the built file as cacheable JavaScript', async () => {
    const response = await get();
    expect(response).toMatchObject({
      statusCode: 200,
      body: CODE,
      headers: {
        'Content-Type': 'text/javascript; charset=utf-8',
        'Cache-Control': 'public, max-age=3600',
        'X-Content-Type-Options': 'nosniff',
        ETag: expect.stringMatching(/^"[\w-]{22}"$/),
      },
    });
  });

  it('answers 304 without a body when the browser holds the same version', async () => {
    const etag = String((await get()).headers?.ETag);
    expect(await get({ 'If-None-Match': `W/"old", W/${etag}` })).toMatchObject({ statusCode: 304, body: '' });
    expect(await get({ 'if-none-match': '"another-version"' })).toMatchObject({ statusCode: 200, body: CODE });
  });
});

describe('where the served snippet sends events', () => {
  const BUILT = `(()=>{const B="${EVENTS_URL_PLACEHOLDER}";send(B.indexOf("__")?B:new URL("events",src))})();\n`;
  const builtFile = () => {
    const file = join(dir, 'with-placeholder.js');
    writeFileSync(file, BUILT);
    return file;
  };

  it('writes the stack\'s events URL (the ingest function URL) over the placeholder', async () => {
    const serve = createHandler(snippetDependencies(builtFile(), 'https://abc123.lambda-url.eu-west-1.on.aws/v1/events'));
    const { body } = await serve(apiEvent({ httpMethod: 'GET', resource: '/v1/snippet.js', path: '/v1/snippet.js' }));
    expect(body).toBe(BUILT.replace(EVENTS_URL_PLACEHOLDER, 'https://abc123.lambda-url.eu-west-1.on.aws/v1/events'));
  });

  it('serves the built file unchanged without one, so the script posts next to itself', () => {
    expect(snippetDependencies(builtFile()).code).toBe(BUILT);
  });

  it.each(['ftp://example.com/v1/events', 'https://e.example/"+alert(1)+"', 'not a url'])('refuses %j at cold start', (url) => {
    expect(() => snippetDependencies(builtFile(), url)).toThrow(/EVENTS_URL is not an http\(s\) URL/);
  });

  it('the built snippet holds the placeholder once, where the function replaces it', () => {
    const built = readFileSync(join(projectRoot(), 'build', 'snippet', SNIPPET_FILE_NAME), 'utf8');
    expect(built.split(EVENTS_URL_PLACEHOLDER)).toHaveLength(2);
  });
});
