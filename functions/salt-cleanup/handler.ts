import { parseJsonEnv, RetentionSchema } from '../contracts/deployment-config';
import { requireEnv } from '../platform/env';
import { logger } from '../platform/logger';
import { destroyExpiredSalts } from '../adapters/dynamodb/salt-cleanup';
import { dynamoDbDocumentClient } from '../adapters/aws-clients';

// Where salts expire on time: run every hour by a schedule, so no salt outlives its hours by more than one.

const doc = dynamoDbDocumentClient();
const tableName = requireEnv('TABLE_NAME');
const retention = parseJsonEnv('RETENTION', process.env.RETENTION, RetentionSchema);

export async function handler(): Promise<{ destroyed: string[] }> {
  const destroyed = await destroyExpiredSalts(doc, tableName, retention.saltHours);
  logger.info('Destroyed expired salts', { days: destroyed });
  return { destroyed };
}
