import { startDynamoDbLocal, startSqsEmulator } from '../../local/emulators';
import { DYNAMODB_ENDPOINT_ENV, SQS_ENDPOINT_ENV } from './support/emulator-env';

/**
 * One DynamoDB Local and one SQS emulator for the whole run: a JVM per test file would cost seconds each.
 * Test files isolate themselves with their own table and queue names (support/local-aws.ts).
 */
export default async function globalSetup(): Promise<void> {
  const [dynamoDb, sqs] = await Promise.allSettled([startDynamoDbLocal(), startSqsEmulator()]);
  const running = [dynamoDb, sqs].flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  globalThis.__EIRLEAD_EMULATORS__ = running;
  if (dynamoDb.status === 'rejected' || sqs.status === 'rejected') {
    await Promise.all(running.map((emulator) => emulator.stop()));
    globalThis.__EIRLEAD_EMULATORS__ = undefined;
    throw dynamoDb.status === 'rejected' ? dynamoDb.reason : (sqs as PromiseRejectedResult).reason;
  }
  process.env[DYNAMODB_ENDPOINT_ENV] = dynamoDb.value.endpoint;
  process.env[SQS_ENDPOINT_ENV] = sqs.value.endpoint;
}
