import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
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
