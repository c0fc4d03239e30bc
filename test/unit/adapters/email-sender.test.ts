import { SendEmailCommand, SESv2Client } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { EmailRefusedError, SesEmailSender } from '../../../functions/adapters/email/email-sender';

const ses = mockClient(SESv2Client);
afterEach(() => ses.reset());

const message = { to: ['sales@example.com'], subject: 'SAP SE is on your site (Pricing)', text: 'text', html: '<p>html</p>' };

describe('SesEmailSender', () => {
  it('sends from the configured identity to the endpoint’s recipients, text and HTML in UTF-8', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'm-1' });
    const result = await new SesEmailSender(new SESv2Client({ region: 'eu-west-1' }), 'alerts@customer.example').send(message);
    expect(result).toEqual({ messageId: 'm-1' });
    expect(ses.commandCalls(SendEmailCommand)[0]?.args[0].input).toEqual({
      FromEmailAddress: 'alerts@customer.example',
      Destination: { ToAddresses: ['sales@example.com'] },
      Content: {
        Simple: {
          Subject: { Data: message.subject, Charset: 'UTF-8' },
          Body: { Text: { Data: 'text', Charset: 'UTF-8' }, Html: { Data: '<p>html</p>', Charset: 'UTF-8' } },
        },
      },
    });
  });

  it('turns throttling into a retryable refusal, and names only the error, never an address', async () => {
    ses.on(SendEmailCommand).rejects(Object.assign(new Error('Throttled for sales@example.com'), { name: 'TooManyRequestsException' }));
    const error = await new SesEmailSender(new SESv2Client({ region: 'eu-west-1' }), 'alerts@customer.example').send(message).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EmailRefusedError);
    expect((error as EmailRefusedError).retryable).toBe(true);
    expect((error as Error).message).not.toContain('@');
  });

  it('does not retry a message SES rejects', async () => {
    ses.on(SendEmailCommand).rejects(Object.assign(new Error('Email address is not verified'), { name: 'MessageRejected' }));
    const error = await new SesEmailSender(new SESv2Client({ region: 'eu-west-1' }), 'alerts@customer.example').send(message).catch((caught: unknown) => caught);
    expect((error as EmailRefusedError).retryable).toBe(false);
  });
});
