import { parseArgs } from 'node:util';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod';
import { sqsClient } from '../../functions/adapters/aws-clients';
import { LOCAL_CREDENTIALS } from '../../local/emulators';

/**
 * Moves messages from the dead-letter queue back to the events queue after a fix, with the caller's AWS
 * credentials (or the local runtime's emulator with --endpoint):
 *   npm run dlq -- redrive --dlq-url <DeadLetterQueueUrl> --queue-url <QueueUrl> [--max 1000]
 *   npm run dlq -- count   --dlq-url <DeadLetterQueueUrl>
 * Each message is sent to the queue before it is deleted from the DLQ, so a failure midway can duplicate a
 * message (which the enrichment's per-event deduplication absorbs) but never lose one.
 */
const ArgsSchema = z.object({
  command: z.enum(['redrive', 'count'], { error: 'the command must be redrive or count' }),
  dlqUrl: z.url({ error: 'pass --dlq-url, the DeadLetterQueueUrl output of the stack' }),
  queueUrl: z.url().optional(),
  max: z.coerce.number().int().min(1).max(1_000_000),
  endpoint: z.url().optional(),
});

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      'dlq-url': { type: 'string', default: '' },
      'queue-url': { type: 'string' },
      max: { type: 'string', default: '10000' },
      endpoint: { type: 'string' },
    },
  });
  const parsed = ArgsSchema.safeParse({ command: positionals[0], dlqUrl: values['dlq-url'], queueUrl: values['queue-url'], max: values.max, endpoint: values.endpoint });
  if (!parsed.success) {
    console.error(`dlq: ${z.prettifyError(parsed.error)}`);
    process.exit(2);
  }
  const args = parsed.data;
  // Pinned to eu-west-1 like the functions' clients; --endpoint points it at the local runtime's SQS emulator.
  const sqs = sqsClient(args.endpoint ? { endpoint: args.endpoint, credentials: LOCAL_CREDENTIALS } : {});
  if (args.command === 'redrive' && !args.queueUrl) {
    console.error('dlq: redrive needs --queue-url, the QueueUrl output of the stack');
    process.exit(2);
  }
  const result = args.command === 'redrive' && args.queueUrl
    ? await redrive(sqs, args.dlqUrl, args.queueUrl, args.max)
    : { seen: await countMessages(sqs, args.dlqUrl, args.max), moved: 0 };
  const { moved, seen } = result;
  // `count` leaves the messages in the DLQ; they become visible again after the 60 s it held them.
  console.log(args.command === 'count' ? `${seen} message(s) in the DLQ` : `moved ${moved} message(s) back to the queue`);
}

/** Sends each message to `queueUrl`, then deletes it from `dlqUrl`: duplicates are possible, losses are not. */
export async function redrive(sqs: SQSClient, dlqUrl: string, queueUrl: string, max: number): Promise<{ seen: number; moved: number }> {
  let moved = 0;
  let seen = 0;
  while (seen < max) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 60 }),
    );
    if (Messages.length === 0) break;
    seen += Messages.length;
    const entries = Messages.map((message, index) => ({ Id: String(index), MessageBody: message.Body ?? '' }));
    const sent = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
    const ok = new Set((sent.Successful ?? []).map((entry) => entry.Id));
    const toDelete = Messages.flatMap((message, index) =>
      ok.has(String(index)) && message.ReceiptHandle ? [{ Id: String(index), ReceiptHandle: message.ReceiptHandle }] : [],
    );
    if (toDelete.length > 0) await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: dlqUrl, Entries: toDelete }));
    moved += toDelete.length;
  }
  return { seen, moved };
}

async function countMessages(sqs: SQSClient, dlqUrl: string, max: number): Promise<number> {
  let seen = 0;
  while (seen < max) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 60 }),
    );
    if (Messages.length === 0) break;
    seen += Messages.length;
  }
  return seen;
}

if (process.argv[1]?.endsWith('dlq.ts')) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
