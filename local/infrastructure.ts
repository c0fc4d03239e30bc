import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoDbDocumentClient, sqsClient } from '../functions/adapters/aws-clients';
import type { Infrastructure } from '../functions/adapters/infrastructure';
import { LocalKeyService } from '../functions/adapters/kms/key-service';
import { LOCAL_CREDENTIALS } from './emulators';

/**
 * The functions' infrastructure on one machine: the same SDK clients pointed at the emulators, and a master key
 * from the data directory in place of the KMS key (no KMS emulator exists; LocalKeyService keeps the contract).
 */
export interface LocalInfrastructure extends Infrastructure {
  destroy(): void;
}

export function emulatorInfrastructure(options: {
  readonly dynamoDbEndpoint: string;
  readonly sqsEndpoint: string;
  /** Base64, 256 bits. */
  readonly masterKey: string;
}): LocalInfrastructure {
  const documentClient: DynamoDBDocumentClient = dynamoDbDocumentClient({ endpoint: options.dynamoDbEndpoint, credentials: LOCAL_CREDENTIALS });
  const sqs: SQSClient = sqsClient({ endpoint: options.sqsEndpoint, credentials: LOCAL_CREDENTIALS });
  const keyService = new LocalKeyService(Buffer.from(options.masterKey, 'base64'));
  return {
    documentClient,
    sqs,
    keyService: () => keyService,
    destroy() {
      documentClient.destroy();
      sqs.destroy();
    },
  };
}
