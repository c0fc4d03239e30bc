import { randomUUID } from 'node:crypto';
import type { EmailMessage, EmailSender } from '../functions/adapters/email/email-sender';

/**
 * The local runtime's stand-in for SES: messages are kept in memory (the tests read them) and announced on the
 * console by subject and number of recipients, never by address. Nothing leaves the machine.
 */
export class EmailOutbox implements EmailSender {
  readonly messages: Array<EmailMessage & { readonly messageId: string }> = [];

  constructor(private readonly log: (line: string) => void = () => undefined) {}

  async send(message: EmailMessage): Promise<{ messageId: string }> {
    const messageId = randomUUID();
    this.messages.push({ ...message, messageId });
    this.log(`e-mail outbox: "${message.subject}" to ${message.to.length} recipient(s)`);
    return { messageId };
  }
}
