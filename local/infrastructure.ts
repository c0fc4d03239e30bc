import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoDbDocumentClient, sqsClient } from '../functions/adapters/aws-clients';
import type { Infrastructure } from '../functions/adapters/infrastructure';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalKeyService } from '../functions/adapters/kms/key-service';
import { LOCAL_CREDENTIALS } from './emulators';
import { LocalExportFiles } from './export-files';

/**
 * The functions' infrastructure on one machine: the same SDK clients pointed at the emulators, and a master key
 * from the data directory in place of the KMS key (no KMS emulator exists; LocalKeyService keeps the contract).
 */
export interface LocalInfrastructure extends Infrastructure {
  /** The export files (the local export bucket), served by the runtime's HTTP front. */
  readonly exportFiles: LocalExportFiles;
  /**
   * What `invokeAsync` calls, by function name: the local runtime registers its functions here once they are built
   * (local/functions.ts).
   */
  readonly asyncTargets: Map<string, (payload: unknown) => Promise<void>>;
  destroy(): void;
}

export function emulatorInfrastructure(options: {
  readonly dynamoDbEndpoint: string;
  readonly sqsEndpoint: string;
  /** Base64, 256 bits. */
  readonly masterKey: string;
  /** Where export files are written. @default a new temporary directory */
  readonly exportsDir?: string;
}): LocalInfrastructure {
  const documentClient: DynamoDBDocumentClient = dynamoDbDocumentClient({ endpoint: options.dynamoDbEndpoint, credentials: LOCAL_CREDENTIALS });
  const sqs: SQSClient = sqsClient({ endpoint: options.sqsEndpoint, credentials: LOCAL_CREDENTIALS });
  const keyService = new LocalKeyService(Buffer.from(options.masterKey, 'base64'));
  const exportFiles = new LocalExportFiles(options.exportsDir ?? mkdtempSync(join(tmpdir(), 'eirlead-exports-')));
  const asyncTargets = new Map<string, (payload: unknown) => Promise<void>>();
  return {
    documentClient,
    sqs,
    keyService: () => keyService,
    exportFiles,
    exportStorage: () => exportFiles,
    asyncTargets,
    async invokeAsync(functionName, payload) {
      const target = asyncTargets.get(functionName);
      if (!target) throw new Error(`No local function ${functionName} takes asynchronous invocations`);
      // As Lambda does: accepted now, run later; the target retries and reports failures itself.
      setImmediate(() => void target(payload));
    },
    destroy() {
      documentClient.destroy();
      sqs.destroy();
    },
  };
}
