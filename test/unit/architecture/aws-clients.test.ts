import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { dynamoDbDocumentClient, kmsClient, sqsClient } from '../../../functions/adapters/aws-clients';

const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });

describe('AWS SDK clients', () => {
  it('are pinned to eu-west-1 whatever the environment says', async () => {
    const previous = process.env.AWS_REGION;
    process.env.AWS_REGION = 'us-east-1';
    try {
      expect(await dynamoDbDocumentClient().config.region()).toBe('eu-west-1');
      expect(await sqsClient().config.region()).toBe('eu-west-1');
      expect(await kmsClient().config.region()).toBe('eu-west-1');
    } finally {
      process.env.AWS_REGION = previous;
    }
  });

  it('send SQS requests to the configured endpoint, not to the host a queue URL names', () => {
    expect(sqsClient().config.useQueueUrlAsEndpoint).toBe(false);
  });

  it('are only ever made in functions/adapters/aws-clients.ts', () => {
    const offenders = filesUnder('functions')
      .filter((file) => !file.endsWith('aws-clients.ts'))
      .filter((file) => /new \w+Client\(|DynamoDBDocumentClient\.from\(/.test(readFileSync(file, 'utf8')))
      .map((file) => relative('.', file));
    expect(offenders).toEqual([]);
  });
});
