import { randomUUID } from 'node:crypto';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { urlRoutesOf } from '../../../functions/contracts/routes';
import { INGEST_URL_ROUTES } from '../../../functions/contracts/routes/events';
import { QueuedRequestSchema } from '../../../functions/contracts/queue-message';
import { isFunctionUrlEvent } from '../../../functions/platform/function-url';
import { apiEvent, lambdaContext } from '../support/events';
import { testIngestHandler } from '../support/functions';

/** POST /v1/events at the ingest function's URL: payload format 2.0, adapted at the edge to the handler's 1.0 event. */

const sqs = mockClient(SQSClient);
const dynamodb = mockClient(DynamoDBDocumentClient);
// The ingest handler answers both payload formats itself (functions/ingest/app.ts).
const handler = testIngestHandler();

const VISITOR_IP = '193.16.4.77';
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36';

beforeEach(() => {
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
  dynamodb.on(GetCommand).resolves({});
  dynamodb.on(PutCommand).resolves({});
});
afterEach(() => {
  sqs.reset();
  dynamodb.reset();
});

/** A function URL request as Lambda sends it: lower-case headers, the peer's address in `requestContext.http`. */
function urlEvent(method: string, rawPath: string, body?: string, headers: Record<string, string> = {}): LambdaFunctionURLEvent {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString: '',
    headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://www.example.com', 'user-agent': BROWSER, ...headers },
    requestContext: {
      accountId: 'anonymous',
      apiId: 'abcdefghijklmnopqrstuvwxyz',
      domainName: 'abcdefghijklmnopqrstuvwxyz.lambda-url.eu-west-1.on.aws',
      domainPrefix: 'abcdefghijklmnopqrstuvwxyz',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: VISITOR_IP, userAgent: BROWSER },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: '25/Nov/2026:10:00:00 +0000',
      timeEpoch: Date.now(),
    },
    ...(body === undefined ? {} : { body }),
    isBase64Encoded: false,
  };
}

const pageviews = (count = 1) =>
  JSON.stringify({ siteId: 'demo', events: Array.from({ length: count }, () => ({ id: randomUUID(), type: 'pageview', url: 'https://www.example.com/pricing' })) });

describe('ingest at its function URL', () => {
  it('serves exactly the routes the route table marks for the function URL', () => {
    expect(INGEST_URL_ROUTES.map(({ method, path }) => `${method} ${path}`).sort()).toEqual(urlRoutesOf('ingest').map(({ method, path }) => `${method} ${path}`).sort());
    expect(urlRoutesOf('ingest').map((route) => `${route.method} ${route.path}`).sort()).toEqual(['OPTIONS /v1/events', 'POST /v1/events']);
  });

  it('accepts page views as API Gateway does, and queues the truncated address of the peer', async () => {
    const result = await handler(urlEvent('POST', '/v1/events', pageviews(2)), lambdaContext);

    expect(result.statusCode).toBe(202);
    expect(JSON.parse(result.body)).toEqual({ accepted: 2 });
    expect(result.headers).toMatchObject({ 'Access-Control-Allow-Origin': 'https://www.example.com' });
    const queued = QueuedRequestSchema.parse(JSON.parse(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input.MessageBody ?? '{}'));
    expect(queued.network).toBe('193.16.4.0/24');
  });

  it('answers the CORS preflight of an allowed origin, and refuses another origin', async () => {
    const allowed = await handler(urlEvent('OPTIONS', '/v1/events'), lambdaContext);
    const refused = await handler(urlEvent('POST', '/v1/events', pageviews(), { origin: 'https://evil.example' }), lambdaContext);

    expect(allowed.statusCode).toBe(204);
    expect(allowed.headers).toMatchObject({ 'Access-Control-Allow-Methods': 'POST, OPTIONS' });
    expect(refused.statusCode).toBe(403);
  });

  it('gives the same answers as behind API Gateway: 400, 413 and 415 in the error body', async () => {
    const invalid = await handler(urlEvent('POST', '/v1/events', '{"siteId":"demo"}'), lambdaContext);
    const large = await handler(urlEvent('POST', '/v1/events', 'x'.repeat(17 * 1024)), lambdaContext);
    const wrongType = await handler(urlEvent('POST', '/v1/events', pageviews(), { 'content-type': 'application/xml' }), lambdaContext);

    expect([invalid.statusCode, large.statusCode, wrongType.statusCode]).toEqual([400, 413, 415]);
    expect(JSON.parse(invalid.body).error.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'events' })]));
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('answers 404 for any other path and 405 for another method, in the error body, without running the handler', async () => {
    const elsewhere = await handler(urlEvent('GET', '/v1/sites/demo/leads'), lambdaContext);
    const root = await handler(urlEvent('POST', '/', pageviews()), lambdaContext);
    const wrongMethod = await handler(urlEvent('GET', '/v1/events'), lambdaContext);

    expect([elsewhere.statusCode, root.statusCode, wrongMethod.statusCode]).toEqual([404, 404, 405]);
    expect(JSON.parse(elsewhere.body).error.code).toBe('NotFound');
    expect(wrongMethod.headers).toMatchObject({ Allow: 'POST, OPTIONS' });
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('passes API Gateway proxy events through unchanged', async () => {
    const event = apiEvent({ headers: { 'Content-Type': 'application/json', 'User-Agent': BROWSER }, body: pageviews() });

    expect(isFunctionUrlEvent(event)).toBe(false);
    expect((await handler(event, lambdaContext)).statusCode).toBe(202);
  });
});
