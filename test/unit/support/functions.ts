import { randomBytes } from 'node:crypto';
import { DEFAULT_RETENTION, type IpOverrides, NO_IP_OVERRIDES } from '../../../functions/contracts/deployment-config';
import type { FunctionEnvironment, FunctionName } from '../../../functions/contracts/functions';
import { dynamoDbDocumentClient, sqsClient } from '../../../functions/adapters/aws-clients';
import type { Infrastructure } from '../../../functions/adapters/infrastructure';
import { LocalKeyService } from '../../../functions/adapters/kms/key-service';
import { createHandler, ingestDependencies } from '../../../functions/ingest/app';
import { readEnvironment } from '../../../functions/platform/env';
import { encodedEnvironment } from '../../../local/functions';

/**
 * Infrastructure for handler tests: real SDK clients (which `aws-sdk-client-mock` intercepts when a test mocks
 * their class) and a local key in place of KMS.
 */
export function testInfrastructure(): Infrastructure {
  const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
  const keyService = new LocalKeyService(randomBytes(32));
  return {
    documentClient: dynamoDbDocumentClient({ credentials }),
    sqs: sqsClient({ credentials }),
    keyService: () => keyService,
    exportStorage: () => ({
      write: async () => ({ bytes: 0 }),
      downloadUrl: async (key) => `https://exports.test/${key}`,
    }),
    invokeAsync: async () => undefined,
  };
}

/** A function's environment as it would decode it on AWS: encoded by its contract, then read back. */
export const environmentOf = <N extends FunctionName>(name: N, values: FunctionEnvironment<N>): FunctionEnvironment<N> =>
  readEnvironment(name, encodedEnvironment(name, values));

/** The ingest handler for site `demo` (origins `http://localhost:*`, `https://www.example.com`), on mocked clients. */
export const testIngestHandler = (ipOverrides: IpOverrides = NO_IP_OVERRIDES) =>
  createHandler(
    ingestDependencies(
      environmentOf('ingest', {
        QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/events',
        TABLE_NAME: 'eirlead',
        KEY_ID: 'test-key',
        SITES: [{ siteId: 'demo', allowedOrigins: ['http://localhost:*', 'https://www.example.com'], leadClasses: ['business'] }],
        RETENTION: DEFAULT_RETENTION,
        IP_OVERRIDES: ipOverrides,
      }),
      testInfrastructure(),
    ),
  );
