import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { QueuedRequest } from '../../contracts/queue-message';

/** The queue between ingest and enrichment: one message per accepted request (functions/contracts/queue-message.ts). */
export class EventQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(request: QueuedRequest): Promise<void> {
    await this.sqs.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(request) }));
  }
}
