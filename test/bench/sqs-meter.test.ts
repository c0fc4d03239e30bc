import {
  CreateQueueCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/emulators';
import { startSqsMeter, type SqsMeter } from '../../scripts/bench/sqs-meter';
import { emulatorEndpoints, uniqueName } from '../integration/support/local-aws';

const KB = 1024;

let meter: SqsMeter;
let direct: SQSClient;
let client: SQSClient;
const queueUrls: string[] = [];

beforeAll(async () => {
  const { sqs } = emulatorEndpoints();
  const config = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 };
  direct = new SQSClient({ ...config, endpoint: sqs });
  meter = await startSqsMeter({ upstream: sqs });
  client = new SQSClient({ ...config, endpoint: meter.endpoint });
});

afterAll(async () => {
  await Promise.all(queueUrls.map((QueueUrl) => direct.send(new DeleteQueueCommand({ QueueUrl }))));
  client.destroy();
  direct.destroy();
  await meter.stop();
});

async function newQueue(): Promise<string> {
  const { QueueUrl } = await direct.send(new CreateQueueCommand({ QueueName: uniqueName('sqs-meter') }));
  if (!QueueUrl) throw new Error('CreateQueue returned no QueueUrl');
  queueUrls.push(QueueUrl);
  return QueueUrl;
}

async function measure(calls: () => Promise<unknown>) {
  meter.reset();
  await calls();
  const totals = meter.totals();
  expect(totals.errors).toEqual([]);
  return totals;
}

describe('SQS meter against the SQS emulator', () => {
  it('bills a send per started 64 KB chunk of body and attributes', async () => {
    const QueueUrl = await newQueue();

    const totals = await measure(async () => {
      await client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x'.repeat(100 * KB) }));
      // 5 + ("kind" 4 + "String" 6 + "pageview" 8) = 23 bytes.
      await client.send(
        new SendMessageCommand({
          QueueUrl,
          MessageBody: 'hello',
          MessageAttributes: { kind: { DataType: 'String', StringValue: 'pageview' } },
        }),
      );
    });

    expect(totals.byAction.SendMessage).toEqual({ requests: 2, billableRequests: 2 + 1, payloadBytes: 100 * KB + 23 });
    expect(totals).toMatchObject({ requests: 2, billableRequests: 3, messagesSent: 2, failedRequests: 0 });
  });

  it('bills a batch send on the total payload of its entries', async () => {
    const QueueUrl = await newQueue();

    const totals = await measure(() =>
      client.send(
        new SendMessageBatchCommand({
          QueueUrl,
          // 3 × 30 KB = 90 KB → 2 chunks, not 3 requests.
          Entries: ['a', 'b', 'c'].map((Id) => ({ Id, MessageBody: Id.repeat(30 * KB) })),
        }),
      ),
    );

    expect(totals).toMatchObject({ requests: 1, billableRequests: 2, messagesSent: 3 });
  });

  it('bills a receive on the messages it returned and a delete as one request', async () => {
    const QueueUrl = await newQueue();
    await direct.send(new SendMessageCommand({ QueueUrl, MessageBody: 'y'.repeat(70 * KB) }));

    const totals = await measure(async () => {
      const { Messages = [] } = await client.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }));
      expect(Messages).toHaveLength(1);
      await client.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: Messages[0]!.ReceiptHandle }));
    });

    expect(totals.byAction.ReceiveMessage).toEqual({ requests: 1, billableRequests: 2, payloadBytes: 70 * KB });
    expect(totals.byAction.DeleteMessage).toEqual({ requests: 1, billableRequests: 1, payloadBytes: 0 });
    expect(totals).toMatchObject({ billableRequests: 3, messagesReceived: 1, emptyReceives: 0 });
  });

  it('bills an empty receive as one request', async () => {
    const QueueUrl = await newQueue();

    const totals = await measure(() => client.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 0 })));

    expect(totals).toMatchObject({ requests: 1, billableRequests: 1, messagesReceived: 0, emptyReceives: 1 });
  });

  it('counts a refused request without billing it', async () => {
    const QueueUrl = `${emulatorEndpoints().sqs}/000000000000/${uniqueName('no-such-queue')}`;

    const totals = await measure(() =>
      expect(client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'lost' }))).rejects.toThrow(),
    );

    expect(totals).toMatchObject({ requests: 1, failedRequests: 1, billableRequests: 0, messagesSent: 0 });
  });
});
