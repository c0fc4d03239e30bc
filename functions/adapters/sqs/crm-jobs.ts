import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { CrmJob } from '../../contracts/crm-job';

/** SQS delays a message by at most 15 minutes. */
const MAX_DELAY_SECONDS = 900;

/** The CRM jobs queue: sync now, scheduled syncs, continuations and matching runs (functions/contracts/crm-job.ts). */
export class CrmJobQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(job: CrmJob, delaySeconds = 0): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(job),
        ...(delaySeconds > 0 ? { DelaySeconds: Math.min(MAX_DELAY_SECONDS, Math.ceil(delaySeconds)) } : {}),
      }),
    );
  }
}
