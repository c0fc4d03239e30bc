import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as clients from '../../../functions/adapters/aws-clients';
import { awsInfrastructure } from '../../../functions/adapters/infrastructure';

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
      const made = [clients.dynamoDbDocumentClient(), clients.sqsClient(), clients.kmsClient(), clients.s3Client(), clients.lambdaClient(), clients.cognitoClient(), clients.sesClient()];
      for (const client of made) expect(await client.config.region()).toBe('eu-west-1');
    } finally {
      process.env.AWS_REGION = previous;
    }
  });

  it('send SQS requests to the configured endpoint, not to the host a queue URL names', () => {
    expect(clients.sqsClient().config.useQueueUrlAsEndpoint).toBe(false);
  });

  it('are only ever made in functions/adapters/aws-clients/, one file per service', () => {
    const offenders = filesUnder('functions')
      .filter((file) => !relative('.', file).startsWith(join('functions', 'adapters', 'aws-clients')))
      .filter((file) => /new \w+Client\(|DynamoDBDocumentClient\.from\(/.test(readFileSync(file, 'utf8')))
      .map((file) => relative('.', file));
    expect(offenders).toEqual([]);
  });

  it('are made only for the parts a handler wires, and a part it does not wire fails by name', () => {
    const made: string[] = [];
    const infrastructure = awsInfrastructure({ documentClient: () => (made.push('dynamodb'), clients.dynamoDbDocumentClient()) });
    expect(made).toEqual([]);
    expect(infrastructure.documentClient).toBe(infrastructure.documentClient);
    expect(made).toEqual(['dynamodb']);
    // The compiler refuses this on a handler (Pick<Infrastructure, …>); the cast shows what happens at run time.
    expect(() => (infrastructure as unknown as { sqs: unknown }).sqs).toThrow(/does not wire sqs/);
  });
});
