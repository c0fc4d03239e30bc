import { GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { redrive } from '../../scripts/ops/dlq';
import { createTestResources, type TestResources } from './support/local-aws';

let resources: TestResources;
beforeAll(async () => {
  resources = await createTestResources('dlq-redrive');
});
afterAll(() => resources.destroy());

const depth = async (queueUrl: string) => {
  const { Attributes } = await resources.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  );
  return Number(Attributes?.ApproximateNumberOfMessages) + Number(Attributes?.ApproximateNumberOfMessagesNotVisible);
};

describe('npm run dlq -- redrive (against the SQS emulator)', () => {
  it('moves every dead letter back to the events queue, bodies unchanged', async () => {
    const { queueUrl, deadLetterQueueUrl } = resources.queues;
    for (const body of ['{"a":1}', '{"b":2}', '{"c":3}']) {
      await resources.sqs.send(new SendMessageCommand({ QueueUrl: deadLetterQueueUrl, MessageBody: body }));
    }

    const result = await redrive(resources.sqs, deadLetterQueueUrl, queueUrl, 100);

    expect(result).toEqual({ seen: 3, moved: 3 });
    expect(await depth(deadLetterQueueUrl)).toBe(0);
    const { Messages = [] } = await resources.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
    expect(Messages.map((message) => message.Body).sort()).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
  });
});
