import { randomUUID } from 'node:crypto';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { QueuedRequestSchema } from '../../../functions/contracts/queue-message';
import { apiEvent, lambdaContext } from '../support/events';
import { testIngestHandler } from '../support/functions';

const sqs = mockClient(SQSClient);
const dynamodb = mockClient(DynamoDBDocumentClient);
let handler: (event: APIGatewayProxyEvent, context: typeof lambdaContext) => Promise<APIGatewayProxyResult>;

const VISITOR_IP = '193.16.4.77';
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36';

beforeAll(() => {
  handler = testIngestHandler({ ignore: ['198.51.100.0/24', '2001:db8:aa::/48'], organisations: [] });
});

beforeEach(() => {
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
  dynamodb.on(GetCommand).resolves({});
  dynamodb.on(PutCommand).resolves({});
});
afterEach(() => {
  sqs.reset();
  dynamodb.reset();
});

const pageview = (overrides: Record<string, unknown> = {}) => ({
  id: randomUUID(),
  type: 'pageview',
  url: 'https://www.example.com/pricing?email=jane@example.com',
  title: 'Pricing',
  ...overrides,
});

function post(body: unknown, headers: Record<string, string> = {}, sourceIp = VISITOR_IP) {
  return handler(
    apiEvent({
      headers: { 'Content-Type': 'application/json', Origin: 'https://www.example.com', 'User-Agent': BROWSER, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
      sourceIp,
    }),
    lambdaContext,
  );
}

const errorOf = (result: APIGatewayProxyResult) => JSON.parse(result.body).error;

describe('POST /v1/events', () => {
  it('queues accepted events with the truncated network, never the address', async () => {
    const result = await post({ siteId: 'demo', events: [pageview(), pageview()] });

    expect(result.statusCode).toBe(202);
    expect(JSON.parse(result.body)).toEqual({ accepted: 2 });
    const body = sqs.commandCalls(SendMessageCommand)[0]?.args[0].input.MessageBody ?? '';
    const message = QueuedRequestSchema.parse(JSON.parse(body));
    expect(message.network).toBe('193.16.4.0/24');
    expect(message.events).toHaveLength(2);
    expect(message.events[0]?.occurredAt).toBeDefined();
    expect(body).not.toContain(VISITOR_IP);
  });

  it('queues the minimised events: the path, never the query string, credentials or an e-mail address', async () => {
    const result = await post({
      siteId: 'demo',
      events: [
        pageview({
          url: 'https://user:pa55@www.example.com/reset?token=s3cr3t&email=jane.doe@acme.com#access_token=abc',
          referrer: 'https://www.google.com/search?q=jane.doe%40acme.com',
          title: 'Reset the password of jane.doe@acme.com, order 4711081523',
        }),
      ],
    });

    expect(result.statusCode).toBe(202);
    const body = sqs.commandCalls(SendMessageCommand)[0]?.args[0].input.MessageBody ?? '';
    expect(QueuedRequestSchema.parse(JSON.parse(body)).events).toEqual([
      expect.objectContaining({ path: '/reset', referrer: 'https://www.google.com/search', title: 'Reset the password of [email], order [number]' }),
    ]);
    for (const secret of ['pa55', 's3cr3t', 'jane.doe', 'acme.com', 'access_token', '4711081523']) expect(body).not.toContain(secret);
  });

  it('accepts text/plain, which navigator.sendBeacon sends', async () => {
    const result = await post({ siteId: 'demo', events: [pageview()] }, { 'Content-Type': 'text/plain;charset=UTF-8' });
    expect(result.statusCode).toBe(202);
  });

  it('answers 400 naming the field, and queues nothing', async () => {
    const result = await post({ siteId: 'demo', events: [pageview({ url: 'javascript:alert(1)' })] });

    expect(result.statusCode).toBe(400);
    expect(errorOf(result).issues).toEqual([expect.objectContaining({ path: 'events.0.url' })]);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('answers 400 naming the field for a page on another host, and queues nothing', async () => {
    const result = await post({
      siteId: 'demo',
      events: [pageview(), pageview({ url: 'https://www.example.com.evil.example/pricing' })],
    });

    expect(result.statusCode).toBe(400);
    expect(errorOf(result).issues).toEqual([expect.objectContaining({ path: 'events.1.url' })]);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it.each([
    ['a port the origin does not name', 'https://www.example.com:8443/'],
    ['a subdomain of an allowed host', 'https://shop.www.example.com/'],
  ])('answers 400 for %s', async (_, url) => {
    const result = await post({ siteId: 'demo', events: [pageview({ url })] });
    expect([result.statusCode, errorOf(result).issues[0].path]).toEqual([400, 'events.0.url']);
  });

  it('accepts any port where the origin has a port wildcard, and either scheme on an allowed host', async () => {
    const result = await post({
      siteId: 'demo',
      events: [pageview({ url: 'http://localhost:5173/docs' }), pageview({ url: 'http://www.example.com/' })],
    });
    expect(result.statusCode).toBe(202);
  });

  it('queues titles in NFC without control characters or bidi overrides', async () => {
    const title = 'Cafe\u0301\u0000 \u202Egnp.exe\u0007\n';
    await post({ siteId: 'demo', events: [pageview({ title })] });

    const message = JSON.parse(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input.MessageBody ?? '{}');
    expect(message.events[0].title).toBe('Caf\u00e9 gnp.exe');
  });

  it('answers 400 for unknown fields', async () => {
    const result = await post({ siteId: 'demo', events: [pageview({ ip: '1.2.3.4' })] });
    expect(result.statusCode).toBe(400);
    expect(errorOf(result).issues[0].path).toBe('events.0.ip');
  });

  it('answers 400 for invalid JSON', async () => {
    const result = await post('{"siteId":');
    expect(result.statusCode).toBe(400);
    expect(errorOf(result).code).toBe('BadRequest');
  });

  it('answers 400 for events from the future', async () => {
    const result = await post({ siteId: 'demo', events: [pageview({ occurredAt: '2999-01-01T00:00:00Z' })] });
    expect(result.statusCode).toBe(400);
    expect(errorOf(result).issues[0].path).toBe('events.0.occurredAt');
  });

  it('corrects event times by the client clock\'s error when the request says when it was sent', async () => {
    // A browser whose clock is 2 hours ahead: its page view 10 minutes ago says "1 h 50 min from now".
    const ahead = (ms: number) => new Date(Date.now() + 2 * 3_600_000 + ms).toISOString();
    const result = await post({ siteId: 'demo', sentAt: ahead(0), events: [pageview({ occurredAt: ahead(-10 * 60_000) }), pageview()] });

    expect(result.statusCode).toBe(202);
    const message = QueuedRequestSchema.parse(JSON.parse(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input.MessageBody ?? ''));
    const [earlier, now] = message.events.map((event) => Date.parse(event.occurredAt ?? ''));
    expect(Date.now() - (earlier ?? 0)).toBeGreaterThan(10 * 60_000 - 5_000);
    expect(Date.now() - (earlier ?? 0)).toBeLessThan(10 * 60_000 + 5_000);
    expect(Math.abs(Date.now() - (now ?? 0))).toBeLessThan(5_000);
  });

  it('answers 400 naming sentAt when it is not a time', async () => {
    const result = await post({ siteId: 'demo', sentAt: 'yesterday', events: [pageview()] });
    expect(result.statusCode).toBe(400);
    expect(errorOf(result).issues[0].path).toBe('sentAt');
  });

  it('answers 400 for a repeated event id', async () => {
    const event = pageview();
    const result = await post({ siteId: 'demo', events: [event, event] });
    expect(errorOf(result).issues[0].path).toBe('events.1.id');
  });

  it('answers an unknown site and a disallowed origin alike, so callers cannot probe which sites exist', async () => {
    const unknownSite = await post({ siteId: 'nope', events: [pageview()] }, { Origin: 'https://evil.example' });
    const unknownSiteWithoutOrigin = await post({ siteId: 'nope', events: [pageview()] }, { Origin: undefined as unknown as string });
    const wrongOrigin = await post({ siteId: 'demo', events: [pageview()] }, { Origin: 'https://evil.example' });

    // Alike but for the request id, which names each request.
    const withoutRequestId = (body: string) => JSON.stringify({ ...JSON.parse(body), error: { ...JSON.parse(body).error, requestId: undefined } });
    for (const result of [unknownSite, unknownSiteWithoutOrigin, wrongOrigin]) {
      expect(result.statusCode).toBe(403);
      expect(withoutRequestId(result.body)).toBe(withoutRequestId(wrongOrigin.body));
    }
    expect(unknownSite.headers?.['Access-Control-Allow-Origin']).toBeUndefined();
    expect(wrongOrigin.headers?.['Access-Control-Allow-Origin']).toBeUndefined();
    expect(errorOf(wrongOrigin)).toEqual({ code: 'Forbidden', message: 'Events for this site are not accepted from this origin', requestId: expect.any(String) });
  });

  it('does not name the site\'s allowed origins when a page URL is on another host', async () => {
    const result = await post({ siteId: 'demo', events: [pageview({ url: 'https://other.example/pricing' })] });
    expect(result.statusCode).toBe(400);
    expect(result.body).not.toContain('example.com');
    expect(result.body).not.toContain('localhost');
  });

  it('allows a port wildcard origin and answers with CORS for it', async () => {
    const result = await post({ siteId: 'demo', events: [pageview()] }, { Origin: 'http://localhost:5173' });
    expect(result.statusCode).toBe(202);
    expect(result.headers?.['Access-Control-Allow-Origin']).toBe('http://localhost:5173');
  });

  it('answers 413 above 16 KiB', async () => {
    const result = await post({ siteId: 'demo', events: [pageview({ title: 'x'.repeat(17_000) })] });
    expect(result.statusCode).toBe(413);
  });

  it('answers 415 for other content types', async () => {
    const result = await post({ siteId: 'demo', events: [pageview()] }, { 'Content-Type': 'application/x-www-form-urlencoded' });
    expect(result.statusCode).toBe(415);
  });

  it('drops self-declared bots without queueing', async () => {
    const result = await post({ siteId: 'demo', events: [pageview()] }, { 'User-Agent': 'Googlebot/2.1 (+http://www.google.com/bot.html)' });
    expect(JSON.parse(result.body)).toEqual({ accepted: 0 });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it.each([
    ['a crawler', 'Googlebot/2.1 (+http://www.google.com/bot.html)'],
    ['a headless browser', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36'],
    ['an HTTP library', 'python-requests/2.32.3'],
    ['no user agent at all', ''],
  ])('drops %s without queueing', async (_, userAgent) => {
    const result = await post({ siteId: 'demo', events: [pageview()] }, { 'User-Agent': userAgent });
    expect([result.statusCode, JSON.parse(result.body)]).toEqual([202, { accepted: 0 }]);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it.each(['198.51.100.23', '2001:db8:aa:1::5'])('drops visitors from ignored ranges (%s) before anything is queued', async (ip) => {
    const result = await post({ siteId: 'demo', events: [pageview()] }, {}, ip);
    expect(JSON.parse(result.body)).toEqual({ accepted: 0 });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
    expect(dynamodb.commandCalls(GetCommand)).toHaveLength(0);
  });

  it('answers a preflight for allowed origins only', async () => {
    const allowed = await handler(apiEvent({ httpMethod: 'OPTIONS', headers: { Origin: 'https://www.example.com' } }), lambdaContext);
    const denied = await handler(apiEvent({ httpMethod: 'OPTIONS', headers: { Origin: 'https://evil.example' } }), lambdaContext);
    expect(allowed.statusCode).toBe(204);
    expect(allowed.headers?.['Access-Control-Allow-Methods']).toContain('POST');
    expect(denied.statusCode).toBe(403);
  });

  it('answers 500 without detail when the queue is down, so the client may retry', async () => {
    sqs.on(SendMessageCommand).rejects(new Error('ServiceUnavailable: internal detail'));
    const result = await post({ siteId: 'demo', events: [pageview()] });
    expect(result.statusCode).toBe(500);
    expect(result.body).not.toContain('internal detail');
  });

  describe('security headers', () => {
    const expectSecurityHeaders = (result: APIGatewayProxyResult) =>
      expect(result.headers).toEqual(
        expect.objectContaining({
          'X-Content-Type-Options': 'nosniff',
          'Cache-Control': 'no-store',
          'Strict-Transport-Security': expect.stringMatching(/^max-age=\d{7,}/),
          'Referrer-Policy': 'no-referrer',
        }),
      );

    it('are on accepted, refused and failed answers', async () => {
      expectSecurityHeaders(await post({ siteId: 'demo', events: [pageview()] }));
      expectSecurityHeaders(await post('{'));
      expectSecurityHeaders(await post({ siteId: 'nope', events: [pageview()] }));
      expectSecurityHeaders(await post({ siteId: 'demo', events: [pageview()] }, { 'Content-Type': 'image/png' }));
      sqs.on(SendMessageCommand).rejects(new Error('down'));
      expectSecurityHeaders(await post({ siteId: 'demo', events: [pageview()] }));
    });

    it('are on preflight answers, allowed and denied', async () => {
      for (const origin of ['https://www.example.com', 'https://evil.example']) {
        expectSecurityHeaders(await handler(apiEvent({ httpMethod: 'OPTIONS', headers: { Origin: origin } }), lambdaContext));
      }
    });
  });

  it('ignores X-Forwarded-For unless told to trust it', async () => {
    await post({ siteId: 'demo', events: [pageview()] }, { 'X-Forwarded-For': '8.8.8.8' });
    const message = JSON.parse(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input.MessageBody ?? '{}');
    expect(message.network).toBe('193.16.4.0/24');
  });
});
