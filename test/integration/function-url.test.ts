import { randomUUID } from 'node:crypto';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { FunctionUrlFront } from '../../local/function-url';
import { addressOf } from './support/ip-addresses';
import { delta, drained, ORIGIN, pipelineForThisFile, SITE, snapshot } from './support/pipeline';

/**
 * `ingestApi: "functionUrl"` locally: the function URL emulation on its own (what reaches the function, what goes
 * back), then the whole pipeline fed through it, as the snippet the runtime serves does.
 */

const fn = { name: 'test-function', timeoutMs: 5_000, memoryMb: 128 };

describe('the function URL front (Lambda function URL emulation, with a stand-in function)', () => {
  const events: LambdaFunctionURLEvent[] = [];
  let failing = false;
  let front: FunctionUrlFront;
  let url: string;

  beforeAll(async () => {
    front = new FunctionUrlFront({
      fn,
      handler: async (event) => {
        events.push(event);
        if (failing) throw new Error('boom');
        return { statusCode: 202, headers: { 'Content-Type': 'application/json' }, body: '{"accepted":1}' };
      },
      log: () => undefined,
    });
    url = await front.listen(0);
  });
  afterAll(() => front.close());
  beforeEach(() => {
    events.length = 0;
    failing = false;
  });

  it('sends every path and method to the function as a payload 2.0 event, text bodies as text', async () => {
    const response = await fetch(`${url}/v1/events?x=1`, { method: 'POST', headers: { 'Content-Type': 'text/plain', 'X-Custom': 'A', Cookie: 'a=1; b=2' }, body: '{"siteId":"demo"}' });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ accepted: 1 });
    const [event] = events;
    expect(event).toMatchObject({
      version: '2.0',
      rawPath: '/v1/events',
      rawQueryString: 'x=1',
      queryStringParameters: { x: '1' },
      cookies: ['a=1', 'b=2'],
      body: '{"siteId":"demo"}',
      isBase64Encoded: false,
      requestContext: { http: { method: 'POST', path: '/v1/events', sourceIp: '127.0.0.1' } },
    });
    expect(event?.headers['x-custom']).toBe('A');
    expect(event?.headers.cookie).toBeUndefined();
  });

  it('sends other bodies in base64', async () => {
    await fetch(`${url}/anything`, { method: 'PUT', headers: { 'Content-Type': 'application/octet-stream' }, body: Buffer.from([0, 1, 2]) });
    expect(events[0]).toMatchObject({ rawPath: '/anything', isBase64Encoded: true, body: Buffer.from([0, 1, 2]).toString('base64') });
  });

  it('answers 502 when the function throws', async () => {
    failing = true;
    const response = await fetch(`${url}/v1/events`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(502);
    expect(await response.json()).toEqual({ Message: 'Internal Server Error' });
  });

  it('answers 413 for a body over 6 MB without invoking the function', async () => {
    const response = await fetch(`${url}/v1/events`, { method: 'POST', body: 'x'.repeat(6 * 1024 * 1024 + 1) });
    expect(response.status).toBe(413);
    expect(events).toHaveLength(0);
  });
});

describe('POST /v1/events at the local ingest function URL, end to end', () => {
  const running = pipelineForThisFile();
  const sap = addressOf('SAP SE');

  it('has the served snippet send its events there', async () => {
    const pipeline = running();
    const ingestUrl = pipeline.runtime.ingestUrl;
    expect(ingestUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const script = await (await fetch(`${pipeline.runtime.url}/v1/snippet.js`)).text();
    expect(script).toContain(`"${ingestUrl}/v1/events"`);
    expect(script).not.toContain('__EIRLEAD_EVENTS_URL__');
  });

  it('turns page views posted there into a lead, as the API does', async () => {
    const pipeline = running();
    const before = snapshot();
    const body = JSON.stringify({ siteId: SITE, events: [{ id: randomUUID(), type: 'pageview', url: `${ORIGIN}/pricing` }] });
    const response = await fetch(`${pipeline.runtime.ingestUrl}/v1/events`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain', Origin: ORIGIN, 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0', 'X-Forwarded-For': sap.ip },
      body,
    });
    expect(response.status).toBe(202);
    expect(response.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(await response.json()).toEqual({ accepted: 1 });
    await drained(pipeline, before, 1, 20_000);
    expect(delta(before).RecordedEvents).toBe(1);
    const list = (await (await fetch(`${pipeline.runtime.url}/v1/sites/${SITE}/leads`, { headers: { Authorization: `Bearer ${pipeline.apiKey}` } })).json()) as {
      items: { pageviews: number }[];
    };
    // The pipeline's table is its own: the one lead is this page view's.
    expect(list.items.map((lead) => lead.pageviews)).toEqual([1]);
  });

  it('answers a preflight from an allowed origin and refuses another, and 404 off its routes', async () => {
    const pipeline = running();
    const preflight = (origin: string) =>
      fetch(`${pipeline.runtime.ingestUrl}/v1/events`, { method: 'OPTIONS', headers: { Origin: origin, 'Access-Control-Request-Method': 'POST' } });
    expect((await preflight(ORIGIN)).status).toBe(204);
    expect((await preflight('https://evil.example')).status).toBe(403);
    const elsewhere = await fetch(`${pipeline.runtime.ingestUrl}/v1/sites/${SITE}/leads`, { headers: { Authorization: `Bearer ${pipeline.apiKey}` } });
    expect(elsewhere.status).toBe(404);
  });
});
