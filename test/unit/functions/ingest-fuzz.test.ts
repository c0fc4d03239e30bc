import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { ErrorResponseSchema } from '../../../functions/contracts/api/common';
import { IngestRequestSchema, IngestResponseSchema, MAX_EVENTS_BODY_BYTES, MAX_EVENTS_PER_REQUEST } from '../../../functions/contracts/api/events';
import { apiEvent, lambdaContext } from '../support/events';
import { testIngestHandler } from '../support/functions';

/**
 * Hostile input against the public ingest handler: whatever arrives, the answer is a 4xx with the API's
 * error body (or 202 for a body that is really valid), never a 5xx or a thrown exception, and nothing is
 * queued unless the answer is 202. The zod schema the handler validates with is the oracle for "valid".
 */

const sqs = mockClient(SQSClient);
const dynamodb = mockClient(DynamoDBDocumentClient);
let handler: (event: APIGatewayProxyEvent, context: typeof lambdaContext) => Promise<APIGatewayProxyResult>;

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/130.0 Safari/537.36';
const prototypeNames = () => Object.getOwnPropertyNames(Object.prototype).sort();
const prototypeBefore = prototypeNames();

beforeAll(async () => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  handler = testIngestHandler();
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
  dynamodb.on(GetCommand).resolves({});
  dynamodb.on(PutCommand).resolves({});
});
afterAll(() => {
  sqs.reset();
  dynamodb.reset();
});

type Request = { body: string; base64?: boolean; contentType?: string; origin?: string };

async function send(request: Request): Promise<APIGatewayProxyResult> {
  sqs.resetHistory();
  const headers: Record<string, string> = { 'User-Agent': BROWSER };
  if (request.contentType !== undefined) headers['Content-Type'] = request.contentType;
  if (request.origin !== undefined) headers.Origin = request.origin;
  return handler(apiEvent({ headers, body: request.body, isBase64Encoded: request.base64 ?? false }), lambdaContext);
}

/** The invariants every answer must keep; returns the answer for further checks. */
async function answerIsSafe(request: Request): Promise<APIGatewayProxyResult> {
  const result = await send(request);
  const queued = sqs.commandCalls(SendMessageCommand).length;
  if (result.statusCode === 202) {
    const { accepted } = IngestResponseSchema.parse(JSON.parse(result.body));
    expect(queued).toBe(accepted > 0 ? 1 : 0);
  } else {
    expect(result.statusCode).toBeGreaterThanOrEqual(400);
    expect(result.statusCode).toBeLessThan(500);
    // strict: nothing but {error: {code, message, issues?, requestId?}}, so no stack or AWS detail can ride along
    const body = ErrorResponseSchema.strict().parse(JSON.parse(result.body));
    expect(Object.keys(body.error).every((key) => ['code', 'message', 'issues', 'requestId'].includes(key))).toBe(true);
    expect(queued).toBe(0);
  }
  expect(result.headers?.['X-Content-Type-Options']).toBe('nosniff');
  return result;
}

// ---- arbitraries ----

const hostileKey = fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '');
const hostileString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 400 }),
  fc.string({ unit: fc.constantFrom('\u0000', '\u0007', '\u001b', '\u007f', '\u0085', '\u202e', '\ud800', '\udfff', '\ufeff'), maxLength: 50 }),
  fc.string({ unit: 'grapheme', minLength: 200, maxLength: 2000 }),
  fc.constantFrom('javascript:alert(1)', 'data:text/html,<script>', 'file:///etc/passwd', 'https://evil.example/', 'http://[::1]/', '//www.example.com/'),
);
const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 5 }),
  fc.object({ maxDepth: 2 }),
);

const pageUrl = fc.oneof(
  fc.webPath().map((path) => `https://www.example.com${path.startsWith('/') ? path : `/${path}`}`),
  fc.integer({ min: 1, max: 65_535 }).map((port) => `http://localhost:${port}/`),
);
const eventType = fc.constantFrom('pageview', 'engagement', 'form');
const validEvent = fc
  .record({
    id: fc.uuid({ version: 4 }),
    type: eventType,
    url: pageUrl,
    title: fc.option(fc.string({ unit: 'binary', maxLength: 300 }).filter((t) => t.length <= 300), { nil: undefined }),
    engagedMs: fc.integer({ min: 0, max: 3_600_000 }),
    emailDomain: fc.domain(),
  })
  .map(({ type, engagedMs, emailDomain, title, ...rest }) => ({
    ...rest,
    type,
    ...(title === undefined ? {} : { title }),
    ...(type === 'engagement' ? { engagedMs } : {}),
    ...(type === 'form' ? { emailDomain } : {}),
  }));
const validRequest = fc.record({
  siteId: fc.constant('demo'),
  events: fc.uniqueArray(validEvent, { minLength: 1, maxLength: MAX_EVENTS_PER_REQUEST, selector: (event) => event.id }),
});

/** A valid request with one hostile change: a wrong value, an extra (prototype) key, a removed field. */
const mutatedRequest = fc
  .tuple(validRequest, fc.nat(), fc.constantFrom('top', 'event'), fc.constantFrom('set', 'add', 'delete'), hostileKey, wrongValue)
  .map(([request, pick, level, how, extraKey, value]) => {
    const events = request.events.map((event) => ({ ...event })) as Record<string, unknown>[];
    const target: Record<string, unknown> =
      level === 'top' ? (request as Record<string, unknown>) : (events[pick % events.length] as Record<string, unknown>);
    const keys = Object.keys(target);
    const key = keys[pick % keys.length] as string;
    if (how === 'set') target[key] = value;
    if (how === 'delete') delete target[key];
    let json = JSON.stringify(level === 'top' ? { ...target, events } : { ...request, events });
    // JSON.stringify cannot write an own "__proto__" key; an attacker's raw JSON can, so write it into the text.
    // A function replacement, because a string one would expand `$'` and `$&` inside the generated values.
    if (how === 'add') json = json.replace(/^\{/, () => `{${JSON.stringify(extraKey)}:${JSON.stringify(value ?? null)},`);
    return json;
  });

const validContentType = fc.constantFrom('application/json', 'text/plain;charset=UTF-8', 'Application/JSON; charset=utf-8');

// ---- properties ----

const RUNS = { valid: 400, mutated: 1500, json: 800, bytes: 600, contentType: 300, nesting: 150, wide: 50 };

describe('ingest handler under hostile input', () => {
  test(`valid requests are accepted and queued once (${RUNS.valid} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(validRequest, validContentType, async (request, contentType) => {
        const body = JSON.stringify(request);
        const result = await answerIsSafe({ body, contentType, origin: 'https://www.example.com' });
        if (Buffer.byteLength(body) > MAX_EVENTS_BODY_BYTES) {
          expect(result.statusCode).toBe(413);
        } else {
          expect([result.statusCode, JSON.parse(result.body)]).toEqual([202, { accepted: request.events.length }]);
        }
      }),
      { numRuns: RUNS.valid },
    );
  });

  test(`one hostile change: 400 naming a field whenever the schema rejects (${RUNS.mutated} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(mutatedRequest, async (body) => {
        const result = await answerIsSafe({ body, contentType: 'application/json' });
        if (Buffer.byteLength(body) > MAX_EVENTS_BODY_BYTES) return expect(result.statusCode).toBe(413);
        if (!IngestRequestSchema.safeParse(JSON.parse(body)).success) {
          expect(result.statusCode).toBe(400);
          expect(ErrorResponseSchema.parse(JSON.parse(result.body)).error.issues?.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: RUNS.mutated },
    );
  });

  test(`any JSON value or text (${RUNS.json} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.json({ maxDepth: 4 }), fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null'), hostileString), async (body) => {
        await answerIsSafe({ body, contentType: 'text/plain' });
      }),
      { numRuns: RUNS.json },
    );
  });

  test(`arbitrary bytes, including invalid UTF-8, as base64 bodies (${RUNS.bytes} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 20_000 }), async (bytes) => {
        const result = await answerIsSafe({ body: Buffer.from(bytes).toString('base64'), base64: true, contentType: 'application/json' });
        expect(result.statusCode).not.toBe(202);
      }),
      { numRuns: RUNS.bytes },
    );
  });

  test(`wrong or missing content types are refused with 415 (${RUNS.contentType} runs)`, async () => {
    const wrongType = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 80 }),
      fc.constantFrom('application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json5', 'text/html', ';', ''),
    ).filter((type) => !['application/json', 'text/plain'].includes(type.split(';')[0]?.trim().toLowerCase() ?? ''));
    await fc.assert(
      fc.asyncProperty(fc.option(wrongType, { nil: undefined }), validRequest, async (contentType, request) => {
        const result = await answerIsSafe({ body: JSON.stringify(request), contentType });
        expect(result.statusCode).toBe(415);
      }),
      { numRuns: RUNS.contentType },
    );
  });

  test(`deep nesting anywhere in the body (${RUNS.nesting} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 9_000 }), fc.constantFrom('[', '{"a":'), fc.constantFrom('top', 'events', 'title'), async (depth, open, where) => {
        const close = open === '[' ? ']' : '}';
        const nested = `${open.repeat(depth)}1${close.repeat(depth)}`;
        const body =
          where === 'top'
            ? nested
            : where === 'events'
              ? `{"siteId":"demo","events":${nested}}`
              : `{"siteId":"demo","events":[{"id":"6f1d5bc0-2b8e-4c4f-9a77-0d5a4f1e6a11","type":"pageview","url":"https://www.example.com/","title":${nested}}]}`;
        const result = await answerIsSafe({ body, contentType: 'application/json' });
        expect(result.statusCode).not.toBe(202);
      }),
      { numRuns: RUNS.nesting },
    );
  });

  test(`arrays of up to 10k elements (${RUNS.wide} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: MAX_EVENTS_PER_REQUEST + 1, max: 10_000 }), fc.constantFrom('0', '{}', '""'), async (count, item) => {
        const body = `{"siteId":"demo","events":[${Array(count).fill(item).join(',')}]}`;
        const result = await answerIsSafe({ body, contentType: 'application/json' });
        expect([400, 413]).toContain(result.statusCode);
      }),
      { numRuns: RUNS.wide },
    );
  });

  test('Object.prototype is not polluted afterwards', () => {
    expect(prototypeNames()).toEqual(prototypeBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
