import { request } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/emulators';
import { type LocalRuntime, startLocalRuntime } from '../../local/runtime';
import { emulatorEndpoints, uniqueName } from './support/local-aws';

/**
 * Hostile requests over real HTTP, through the local front (as API Gateway would pass them) into the real ingest
 * handler and queue: every answer is a 4xx with the error body, and nothing is queued or stored.
 */
let runtime: LocalRuntime;
const endpoints = emulatorEndpoints();
const clientConfig = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };

beforeAll(async () => {
  const name = uniqueName('http-fuzz');
  runtime = await startLocalRuntime({
    ipDataDir: 'build/ipdata',
    snippetFile: 'build/snippet/eirlead.js',
    emulators: { dynamoDbEndpoint: endpoints.dynamoDb, sqsEndpoint: endpoints.sqs },
    names: { tableName: name, queueName: `${name}-events`, deadLetterQueueName: `${name}-events-dlq` },
    log: () => undefined,
  });
}, 60_000);
afterAll(() => runtime?.stop());

function send(body: Buffer, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${runtime.url}/v1/events`, { method: 'POST', headers: { ...headers, 'Content-Length': String(body.length) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const browser = 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0';
const hostileBody = fc.oneof(
  fc.json({ maxDepth: 5 }).map((text) => Buffer.from(text)),
  fc.string({ unit: 'binary', maxLength: 3000 }).map((text) => Buffer.from(text)),
  fc.uint8Array({ maxLength: 20_000 }).map((bytes) => Buffer.from(bytes)),
  fc.record({ siteId: fc.oneof(fc.constant('demo'), fc.string()), events: fc.array(fc.anything(), { maxLength: 30 }) }).map((value) =>
    Buffer.from(JSON.stringify(value).replace(/^\{/, '{"__proto__":{"polluted":1},')),
  ),
  fc.nat({ max: 200_000 }).map((size) => Buffer.from(`{"siteId":"demo","events":[${'['.repeat(size % 50_000)}`)),
);
const contentType = fc.constantFrom('application/json', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/html', '');

describe('local HTTP front under hostile input', () => {
  test('answers 4xx with the error body to 300 hostile requests, and queues and stores nothing', async () => {
    await fc.assert(
      fc.asyncProperty(hostileBody, contentType, fc.constantFrom('http://localhost:5173', 'https://evil.example', ''), async (body, type, origin) => {
        const headers: Record<string, string> = { 'User-Agent': browser };
        if (type) headers['Content-Type'] = type;
        if (origin) headers.Origin = origin;
        const answer = await send(body, headers);
        expect(answer.status).toBeGreaterThanOrEqual(400);
        expect(answer.status).toBeLessThan(500);
        expect(JSON.parse(answer.body)).toEqual({ error: expect.objectContaining({ code: expect.any(String), message: expect.any(String) }) });
      }),
      { numRuns: 300 },
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();

    const sqs = new SQSClient({ ...clientConfig, endpoint: endpoints.sqs });
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: runtime.queues.queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    );
    expect(Number(Attributes?.ApproximateNumberOfMessages) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible)).toBe(0);
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ ...clientConfig, endpoint: endpoints.dynamoDb }));
    const { Items = [] } = await doc.send(new ScanCommand({ TableName: runtime.tableName }));
    // Only the runtime's own API key: no salt was even needed, no visit, lead or dedupe marker was written.
    expect(Items.map((item) => String(item.pk).split('#')[0])).toEqual(['APIKEY']);
    sqs.destroy();
    doc.destroy();
  }, 120_000);
});
