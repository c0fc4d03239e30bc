import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';

/**
 * E-mail out of the account: Amazon SES in eu-west-1 (the client is pinned there, aws-clients.ts), from the one
 * verified identity the deployment configures (`alerts.emailFrom`). The local runtime writes to an outbox instead
 * (local/email-outbox.ts). Recipients are the customer's own staff, given when the endpoint was made; they are never
 * logged.
 */
export interface EmailMessage {
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export interface EmailSender {
  send(message: EmailMessage): Promise<{ messageId: string }>;
}

/** SES answers these when sending is throttled or the account is paused; worth trying again later. */
const RETRYABLE = new Set(['TooManyRequestsException', 'LimitExceededException', 'SendingPausedException', 'InternalFailure', 'ServiceUnavailable']);

export class EmailRefusedError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'EmailRefusedError';
  }
}

export class SesEmailSender implements EmailSender {
  constructor(
    private readonly client: SESv2Client,
    private readonly from: string,
  ) {}

  async send(message: EmailMessage): Promise<{ messageId: string }> {
    try {
      const result = await this.client.send(
        new SendEmailCommand({
          FromEmailAddress: this.from,
          Destination: { ToAddresses: [...message.to] },
          Content: {
            Simple: {
              Subject: { Data: message.subject, Charset: 'UTF-8' },
              Body: { Text: { Data: message.text, Charset: 'UTF-8' }, Html: { Data: message.html, Charset: 'UTF-8' } },
            },
          },
        }),
      );
      return { messageId: result.MessageId ?? '' };
    } catch (error) {
      const name = error instanceof Error ? error.name : 'Error';
      // The SDK's message may quote an address: only the error's name leaves here.
      throw new EmailRefusedError(`SES refused the message: ${name}`, RETRYABLE.has(name));
    }
  }
}
