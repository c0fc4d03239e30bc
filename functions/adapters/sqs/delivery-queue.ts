import { ChangeMessageVisibilityCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DeliveryMessage } from '../../contracts/alert-message';

/** The alert delivery queue: one message per delivery to make (functions/contracts/alert-message.ts). */
export class DeliveryQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(messages: readonly DeliveryMessage[], delaySeconds = 0): Promise<void> {
    for (let start = 0; start < messages.length; start += 10) {
      const batch = messages.slice(start, start + 10);
      const { Failed } = await this.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: batch.map((message, index) => ({ Id: String(index), MessageBody: JSON.stringify(message), DelaySeconds: delaySeconds })),
        }),
      );
      if (Failed && Failed.length > 0) throw new Error(`SQS refused ${Failed.length} delivery messages (${Failed[0]?.Code ?? 'unknown'})`);
    }
  }

  /** Holds a received message back for `seconds` (at most 12 hours): how a retry waits for its turn. */
  async postpone(receiptHandle: string, seconds: number): Promise<void> {
    await this.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: this.queueUrl, ReceiptHandle: receiptHandle, VisibilityTimeout: seconds }));
  }
}
