import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { request } from 'node:http';
import { resolve } from 'node:path';
import { type AttributeValue, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type {
  APIGatewayAuthorizerResult,
  APIGatewayProxyEvent,
  APIGatewayRequestAuthorizerEvent,
  SQSEvent,
} from 'aws-lambda';
import { freePort, LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/emulators';
import type { ProxyHandler } from '../../local/api-gateway/router';
import { HttpFront } from '../../local/api-gateway/server';
import { SqsPoller } from '../../local/sqs-poller';
import { createTestResources, type TestResources } from './support/local-aws';
import { addressOf } from './support/ip-addresses';
import { unpackChanges } from '../../functions/domain/leads/packed-changes';
import { descendantsMatching, isAlive } from './support/processes';

const repoRoot = resolve(__dirname, '..', '..');
const fn = { name: 'test-function', timeoutMs: 5_000, memoryMb: 128 };

describe('the HTTP front (API Gateway emulation, with stand-in functions)', () => {
  let front: HttpFront;
  let url: string;
  const events: APIGatewayProxyEvent[] = [];
  const authorizerEvents: APIGatewayRequestAuthorizerEvent[] = [];
  const echo: ProxyHandler = async (event) => {
    events.push(event);
    return {
      statusCode: 200,
      headers: { 'Content-Type': 'application/json' },
      multiValueHeaders: { 'Set-Cookie': ['a=1', 'b=2'] },
      body: JSON.stringify({ ok: true }),
    };
  };
  const authorizer = async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
    authorizerEvents.push(event);
    const token = Object.entries(event.headers ?? {}).find(([name]) => name.toLowerCase() === 'authorization')?.[1];
    if (token === 'Bearer good' || token === 'Bearer denied') {
      return {
        principalId: 'key-1',
        policyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Action: 'execute-api:Invoke',
              Effect: token === 'Bearer good' ? 'Allow' : 'Deny',
              Resource: `${event.methodArn.split('/').slice(0, 2).join('/')}/*`,
            },
          ],
        },
        context: { keyId: 'key-1', sites: '["*"]', count: 3 },
      };
    }
    if (token === 'Bearer broken') throw new Error('DynamoDB is down');
    throw new Error('Unauthorized');
  };

  beforeAll(async () => {
    front = new HttpFront({
      routes: [
        { method: 'POST', resource: '/v1/events', fn, handler: echo, authorized: false },
        { method: 'GET', resource: '/v1/sites/{siteId}/leads/{leadId}', fn, handler: echo, authorized: true },
        {
          method: 'DELETE',
          resource: '/v1/sites/{siteId}/leads/{leadId}',
          fn,
          handler: async () => {
            throw new Error('boom');
          },
          authorized: true,
        },
      ],
      authorizer: { fn, handler: authorizer },
      log: () => undefined,
    });
    url = await front.listen(0);
  });
  afterAll(() => front.close());
  beforeEach(() => {
    events.length = 0;
    authorizerEvents.length = 0;
  });

  it('answers 503 on /healthz and every route until it is marked ready', async () => {
    expect((await fetch(`${url}/healthz`)).status).toBe(503);
    expect((await fetch(`${url}/v1/events`, { method: 'POST', body: '{}' })).status).toBe(503);
    front.markReady();
    const health = await fetch(`${url}/healthz`);
    expect([health.status, await health.json()]).toEqual([200, { status: 'ok' }]);
  });

  it('turns a request into a REST proxy event', async () => {
    const response = await fetch(`${url}/v1/events?a=1&a=2&b=x%20y`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain', 'X-Forwarded-For': '198.51.100.7', 'X-Multi': 'one' },
      body: '{"hello":"world"}',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('set-cookie')).toBe('a=1, b=2');
    const event = events[0];
    expect(event).toMatchObject({
      resource: '/v1/events',
      path: '/v1/events',
      httpMethod: 'POST',
      body: '{"hello":"world"}',
      isBase64Encoded: false,
      pathParameters: null,
      queryStringParameters: { a: '2', b: 'x y' },
      multiValueQueryStringParameters: { a: ['1', '2'], b: ['x y'] },
      requestContext: {
        resourcePath: '/v1/events',
        httpMethod: 'POST',
        stage: 'local',
        identity: { sourceIp: '127.0.0.1' },
      },
    });
    expect(event?.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const forwardedFor = Object.entries(event?.headers ?? {}).find(([name]) => name.toLowerCase() === 'x-forwarded-for');
    // API Gateway appends the peer address to the client's X-Forwarded-For.
    expect(forwardedFor?.[1]).toBe('198.51.100.7, 127.0.0.1');
  });

  it('answers 404 for an unknown route and 405 for a wrong method, in the project error format', async () => {
    const unknown = await fetch(`${url}/v1/nothing`);
    expect([unknown.status, await unknown.json()]).toEqual([
      404,
      // The request id of the answer's X-Request-Id is in the body too, as API Gateway's gateway responses carry it.
      { error: { code: 'NotFound', message: expect.any(String), requestId: unknown.headers.get('x-request-id') } },
    ]);
    const wrongMethod = await fetch(`${url}/v1/events`, { method: 'GET' });
    expect(wrongMethod.status).toBe(405);
    expect(await wrongMethod.json()).toEqual({ error: { code: 'MethodNotAllowed', message: expect.any(String), requestId: wrongMethod.headers.get('x-request-id') } });
    expect(events).toHaveLength(0);
  });

  it('answers 413 for a body over 10 MB without invoking the function', async () => {
    const status = await new Promise<number>((resolveStatus, reject) => {
      const req = request(`${url}/v1/events`, { method: 'POST', headers: { 'Content-Length': 10 * 1024 * 1024 + 1 } });
      req.on('response', (res) => {
        res.resume();
        resolveStatus(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.flushHeaders();
    });
    expect(status).toBe(413);
    expect(events).toHaveLength(0);
  });

  it('runs the REQUEST authoriser on every request: no header 401, rejected 401, Deny 403, failure 500', async () => {
    const leadUrl = `${url}/v1/sites/demo/leads/abc`;
    expect((await fetch(leadUrl)).status).toBe(401);
    // No identity source: the authoriser itself decides (an API key or the dashboard's session cookie).
    expect(authorizerEvents).toHaveLength(1);
    expect((await fetch(leadUrl, { headers: { Authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await fetch(leadUrl, { headers: { Authorization: 'Bearer denied' } })).status).toBe(403);
    expect((await fetch(leadUrl, { headers: { Authorization: 'Bearer broken' } })).status).toBe(500);
    expect(events).toHaveLength(0);
  });

  it('passes an Allow policy context on as requestContext.authorizer, values as strings', async () => {
    const response = await fetch(`${url}/v1/sites/demo/leads/abc`, { headers: { Authorization: 'Bearer good' } });
    expect(response.status).toBe(200);
    expect(authorizerEvents[0]).toMatchObject({
      type: 'REQUEST',
      httpMethod: 'GET',
      resource: '/v1/sites/{siteId}/leads/{leadId}',
      pathParameters: { siteId: 'demo', leadId: 'abc' },
      methodArn: expect.stringMatching(/^arn:aws:execute-api:eu-west-1:\d{12}:[^/]+\/local\/GET\/v1\/sites\/demo\/leads\/abc$/),
    });
    expect(Object.entries(authorizerEvents[0]?.headers ?? {}).filter(([name]) => name.toLowerCase() === 'authorization')).toEqual([[expect.any(String), 'Bearer good']]);
    expect(events[0]?.pathParameters).toEqual({ siteId: 'demo', leadId: 'abc' });
    expect(events[0]?.requestContext.authorizer).toMatchObject({
      keyId: 'key-1',
      sites: '["*"]',
      count: '3',
      principalId: 'key-1',
    });
  });

  it('answers 502 when the function throws', async () => {
    const response = await fetch(`${url}/v1/sites/demo/leads/abc`, {
      method: 'DELETE',
      headers: { Authorization: 'Bearer good' },
    });
    expect([response.status, await response.json()]).toEqual([
      502,
      { error: { code: 'InternalError', message: 'Internal server error', requestId: response.headers.get('x-request-id') } },
    ]);
  });
});

describe('the SQS poller (against the SQS emulator, with a stand-in function)', () => {
  let resources: TestResources;
  beforeAll(async () => {
    resources = await createTestResources('poller');
  });
  afterAll(() => resources.destroy());

  it('invokes with SQS-shaped records, deletes successes and leaves reported failures in the queue', async () => {
    await resources.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: resources.queues.queueUrl,
        Entries: ['ok-1', 'fail', 'ok-2'].map((body, index) => ({ Id: String(index), MessageBody: body })),
      }),
    );
    const batches: SQSEvent[] = [];
    const poller = new SqsPoller({
      client: resources.sqs,
      queueUrl: resources.queues.queueUrl,
      queueArn: resources.queues.queueArn,
      fn,
      log: () => undefined,
      handler: async (event) => {
        batches.push(event);
        return {
          batchItemFailures: event.Records.filter((record) => record.body === 'fail').map((record) => ({
            itemIdentifier: record.messageId,
          })),
        };
      },
    });

    let outcome = await poller.pollOnce();
    // The emulator may hand out fewer than all three at once, as SQS may.
    while (batches.flatMap((batch) => batch.Records).length < 3) {
      const next = await poller.pollOnce();
      outcome = { received: outcome.received + next.received, deleted: outcome.deleted + next.deleted, failed: outcome.failed + next.failed };
    }

    expect(outcome).toEqual({ received: 3, deleted: 2, failed: 1 });
    const record = batches[0]?.Records[0];
    expect(record).toEqual({
      messageId: expect.any(String),
      receiptHandle: expect.any(String),
      body: expect.stringMatching(/^(ok-1|ok-2|fail)$/),
      attributes: expect.objectContaining({
        ApproximateReceiveCount: '1',
        SentTimestamp: expect.stringMatching(/^\d+$/),
        SenderId: expect.any(String),
        ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d+$/),
      }),
      messageAttributes: {},
      md5OfBody: expect.stringMatching(/^[0-9a-f]{32}$/),
      eventSource: 'aws:sqs',
      eventSourceARN: resources.queues.queueArn,
      awsRegion: LOCAL_REGION,
    });
    const { Attributes } = await resources.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: resources.queues.queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    // The failed message waits out its visibility timeout; the deleted ones are gone. (local-aws-sqs also counts
    // in-flight messages in ApproximateNumberOfMessages, hence at most 1 rather than 0 there.)
    expect(Attributes?.ApproximateNumberOfMessagesNotVisible).toBe('1');
    expect(Number(Attributes?.ApproximateNumberOfMessages)).toBeLessThanOrEqual(1);
  });

  it('gathers a batch for the batching window after its first message, as the event source mapping does', async () => {
    const windowed = await createTestResources('window');
    try {
      const sendSpread = async (bodies: string[]) => {
        for (const body of bodies) {
          await windowed.sqs.send(new SendMessageBatchCommand({ QueueUrl: windowed.queues.queueUrl, Entries: [{ Id: '0', MessageBody: body }] }));
          await new Promise((resolve) => setTimeout(resolve, 600));
        }
      };
      const pollerWith = (batchingWindowSeconds?: number) => {
        const batches: SQSEvent[] = [];
        const poller = new SqsPoller({
          client: windowed.sqs,
          queueUrl: windowed.queues.queueUrl,
          queueArn: windowed.queues.queueArn,
          fn,
          log: () => undefined,
          handler: async (event) => void batches.push(event),
          ...(batchingWindowSeconds !== undefined ? { batchingWindowSeconds } : {}),
        });
        return { poller, batches };
      };

      // Without a window the first poll invokes with what its 1-second long poll found: not all four.
      const quick = pollerWith();
      const [first] = await Promise.all([quick.poller.pollOnce(), sendSpread(['a', 'b', 'c', 'd'])]);
      expect(first.received).toBeLessThan(4);
      while (quick.batches.flatMap((batch) => batch.Records).length < 4) await quick.poller.pollOnce();

      // With a 2-second window, four messages 600 ms apart make one batch.
      const gathering = pollerWith(2);
      const [outcome] = await Promise.all([gathering.poller.pollOnce(), sendSpread(['e', 'f', 'g', 'h'])]);
      expect(outcome).toEqual({ received: 4, deleted: 4, failed: 0 });
      expect(gathering.batches[0]?.Records.map((record) => record.body).sort()).toEqual(['e', 'f', 'g', 'h']);
    } finally {
      await windowed.destroy();
    }
  });
});



// Not the one the banner's curl example shows, so that finding it in the output would mean it was logged.
const USER_AGENT = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:139.0) Gecko/20100101 Firefox/139.0';

describe('npm start (local/main.ts as a user runs it)', () => {
  const apiKey = `eirl_test_${randomUUID()}`;
  const sap = addressOf('SAP SE');
  const telekom = addressOf('Deutsche Telekom AG');
  const amazon = addressOf('Amazon');
  const visitorIps = [sap.ip, telekom.ip, amazon.ip];
  let child: ChildProcess | undefined;
  let output = '';
  let url: string;
  let exited: Promise<[number | null, NodeJS.Signals | null]>;

  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    // What `npm start` runs, minus the wrappers: on Ctrl-C npm dies of the signal and tsx reports 130, which
    // would hide the runtime's own exit code. Its own process group, so the test can send Ctrl-C the way a
    // terminal does: to the whole group.
    child = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts'], {
      cwd: repoRoot,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        PORT: String(port),
        EIRLEAD_IN_MEMORY: '1',
        LOCAL_API_KEY: apiKey,
        TRUST_FORWARDED_FOR: '1',
      },
    });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;

    const started = Date.now();
    for (;;) {
      if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output}`);
      const status = await fetch(`${url}/healthz`).then((response) => response.status, () => 0);
      if (status === 200) break;
      if (Date.now() - started > 45_000) throw new Error(`/healthz not 200 within 45 s:\n${output}`);
      await new Promise((resolveWait) => setTimeout(resolveWait, 200));
    }
    console.log(`npm start: /healthz 200 after ${Date.now() - started} ms`);
  }, 60_000);

  afterAll(async () => {
    // Only if a test failed before the Ctrl-C test: never leave the runtime (and its JVM) behind.
    if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      process.kill(-child.pid, 'SIGKILL');
      for (const pid of descendantsMatching(child.pid, 'DynamoDBLocal')) process.kill(pid, 'SIGKILL');
    }
  });

  const authorized = { Authorization: `Bearer ${apiKey}` };
  const postPageviews = (ip: string, paths: string[]) =>
    fetch(`${url}/v1/events`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Origin: 'http://localhost:5173',
        'User-Agent': USER_AGENT,
        'X-Forwarded-For': ip,
      },
      body: JSON.stringify({
        siteId: 'demo',
        // What real pages send too: a link with a token and an address, a signed-in person's title.
        events: paths.map((path) => ({
          id: randomUUID(),
          type: 'pageview',
          url: `http://jane:pa55@localhost:5173${path}?email=jane.doe@acme.com&token=s3cr3t#access_token=abc`,
          title: `Page ${path} for jane.doe@acme.com, order 4711081523`,
          referrer: 'https://www.google.com/search?q=jane.doe%40acme.com',
        })),
      }),
    });

  const banner = (pattern: RegExp): string => {
    const value = pattern.exec(output)?.[1];
    if (!value) throw new Error(`The banner does not show ${pattern}:\n${output}`);
    return value;
  };

  let leadId: string;

  it('turns page views from an organisation into exactly one lead, and drops carrier and cloud traffic', async () => {
    const posted = Date.now();
    const responses = await Promise.all([
      postPageviews(sap.ip, ['/pricing', '/contact']),
      postPageviews(telekom.ip, ['/pricing']),
      postPageviews(amazon.ip, ['/pricing']),
    ]);
    for (const response of responses) {
      expect(response.status).toBe(202);
      expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    }
    expect(await responses[0]?.json()).toEqual({ accepted: 2 });

    let items: Array<{ leadId: string; organisation: { name: string }; pageviews: number }> = [];
    while (items.length === 0) {
      if (Date.now() - posted > 20_000) throw new Error(`No lead within 20 s:\n${output}`);
      await new Promise((resolveWait) => setTimeout(resolveWait, 100));
      const response = await fetch(`${url}/v1/sites/demo/leads`, { headers: authorized });
      expect(response.status).toBe(200);
      ({ items } = (await response.json()) as { items: typeof items });
    }
    console.log(`npm start: POST to lead visible in ${Date.now() - posted} ms`);

    // The carrier and cloud messages may still be in flight: wait for the queue to drain before counting leads.
    const sqs = new SQSClient({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint: banner(/SQS\s+(http:\/\/\S+)/) });
    try {
      const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: banner(/\(queue (\S+),/) }));
      for (;;) {
        const { Attributes } = await sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl,
            AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
          }),
        );
        if (Number(Attributes?.ApproximateNumberOfMessages) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible) === 0) break;
        await new Promise((resolveWait) => setTimeout(resolveWait, 100));
      }
    } finally {
      sqs.destroy();
    }
    const list = await fetch(`${url}/v1/sites/demo/leads`, { headers: authorized });
    ({ items } = (await list.json()) as { items: typeof items });
    expect(items).toHaveLength(1);
    expect(items[0]?.organisation.name).toMatch(/SAP/);
    expect(items[0]?.pageviews).toBe(2);
    leadId = items[0]?.leadId ?? '';
  });

  it('shows the lead with its visit and pages', async () => {
    const response = await fetch(`${url}/v1/sites/demo/leads/${leadId}`, { headers: authorized });
    expect(response.status).toBe(200);
    const lead = (await response.json()) as { leadId: string; visits: Array<{ pages: Array<{ path: string }> }> };
    expect(lead.leadId).toBe(leadId);
    expect(lead.visits).toHaveLength(1);
    expect(lead.visits[0]?.pages.map((page) => page.path).sort()).toEqual(['/contact', '/pricing']);
  });

  /** Every kind of personal data the posts above carried, none of which may be kept anywhere. */
  const personalData = [...visitorIps, USER_AGENT, 'jane.doe', 'acme.com', 'pa55', 's3cr3t', 'access_token', '4711081523'];

  it('keeps no personal data in the table, the queue or the DLQ: no IP, user agent, query string, credential or e-mail address', async () => {
    const clientConfig = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
    const dynamoDb = new DynamoDBClient({ ...clientConfig, endpoint: banner(/DynamoDB\s+(http:\/\/\S+)/) });
    const sqs = new SQSClient({ ...clientConfig, endpoint: banner(/SQS\s+(http:\/\/\S+)/) });
    try {
      const items: unknown[] = [];
      let startKey: Record<string, AttributeValue> | undefined;
      do {
        const page = await dynamoDb.send(
          new ScanCommand({ TableName: banner(/\(table (\S+)\)/), ExclusiveStartKey: startKey }),
        );
        items.push(...(page.Items ?? []));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      // Salts, dedupe marks and the API key at least: a scan that finds nothing would prove nothing.
      expect(items.length).toBeGreaterThan(3);

      const messages: string[] = [];
      for (const name of [banner(/\(queue (\S+),/), banner(/DLQ (\S+)\)/)]) {
        const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
        const { Messages } = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: 0 }),
        );
        messages.push(...(Messages ?? []).map((message) => message.Body ?? ''));
      }

      // A lead's changes since listing (paths, counts) are stored Brotli-compressed: read them as text too.
      const packed = (items as Record<string, AttributeValue>[]).flatMap((item) => (item.changes?.B ? [unpackChanges(item.changes.B)] : []));
      expect(packed.length).toBeGreaterThan(0);
      const haystacks = { table: JSON.stringify([items, packed]), queues: JSON.stringify(messages) };
      for (const data of personalData) {
        for (const [where, text] of Object.entries(haystacks)) {
          expect({ where, data, found: text.includes(data) }).toEqual({ where, data, found: false });
        }
      }
      // The title is kept, without the address and the number.
      expect(haystacks.table).toContain('for [email], order [number]');
      // The lead is there, so the scan did see what the enrichment wrote.
      expect(haystacks.table).toContain(sap.organisation);
    } finally {
      dynamoDb.destroy();
      sqs.destroy();
    }
  });

  it('erases the lead: 204, then 404 and absent from the list', async () => {
    const erased = await fetch(`${url}/v1/sites/demo/leads/${leadId}`, { method: 'DELETE', headers: authorized });
    expect(erased.status).toBe(204);
    expect((await fetch(`${url}/v1/sites/demo/leads/${leadId}`, { headers: authorized })).status).toBe(404);
    const list = (await (await fetch(`${url}/v1/sites/demo/leads`, { headers: authorized })).json()) as {
      items: Array<{ leadId: string }>;
    };
    expect(list.items.map((item) => item.leadId)).not.toContain(leadId);
  });

  it('refuses the leads API without a valid key', async () => {
    expect((await fetch(`${url}/v1/sites/demo/leads`)).status).toBe(401);
    expect((await fetch(`${url}/v1/sites/demo/leads`, { headers: { Authorization: 'Bearer eirl_nope' } })).status).toBe(401);
  });

  it('stops on Ctrl-C with exit code 0 and leaves no DynamoDB Local behind', async () => {
    const pid = child?.pid;
    if (pid === undefined) throw new Error('npm start has no pid');
    const jvms = descendantsMatching(pid, 'DynamoDBLocal');
    expect(jvms).toHaveLength(1);

    process.kill(-pid, 'SIGINT');
    const [code, signal] = await exited;

    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(jvms.filter(isAlive)).toEqual([]);
  }, 20_000);

  it('never printed personal data, from start to stop', () => {
    expect(output).toContain('Eirlead local runtime ready');
    for (const data of personalData) expect({ data, found: output.includes(data) }).toEqual({ data, found: false });
  });
});
