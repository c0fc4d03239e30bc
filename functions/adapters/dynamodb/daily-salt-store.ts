import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { KeyService } from '../kms/key-service';
import { keys, toEpochSeconds } from '../../contracts/table';
import { utcDay } from '../../domain/privacy/pseudonym';
import { EncryptedSecrets } from './encrypted-secrets';

/**
 * One random salt per UTC day, stored only encrypted under the project key and expiring `saltHours` after the
 * day began.
 */
export class DailySaltStore {
  private cached: { day: string; salt: Uint8Array } | undefined;
  private readonly secrets: EncryptedSecrets;

  constructor(
    doc: DynamoDBDocumentClient,
    tableName: string,
    keyService: KeyService,
    private readonly saltHours: number,
  ) {
    this.secrets = new EncryptedSecrets(doc, tableName, keyService, 'eirlead-daily-salt', keys.salt, 'encryptedSalt');
  }

  async saltFor(now: Date): Promise<Uint8Array> {
    const day = utcDay(now);
    if (this.cached?.day === day) return this.cached.salt;
    const dayStart = new Date(`${day}T00:00:00Z`);
    const salt = await this.secrets.getOrCreate(day, new Date(dayStart.getTime() + this.saltHours * 3_600_000));
    this.cached = { day, salt };
    return salt;
  }

  /** The salt of a past day while it still exists; undefined once destroyed (or expired and awaiting TTL). */
  async existing(day: string, now = new Date()): Promise<Uint8Array | undefined> {
    return this.secrets.existing(day, now);
  }
}

/** How far back the cleanup looks: a missed run or a week-long outage still ends with every old salt gone. */
const LOOKBACK_DAYS = 14;

/**
 * Destroys daily salts whose time is up. DynamoDB's TTL would get to them too, but typically only within two
 * days; a salt must be gone on time, because while it exists a visit can be linked to an address. Salts are
 * keyed by day, so the days to clear are known: no Scan.
 */
export async function destroyExpiredSalts(doc: DynamoDBDocumentClient, tableName: string, saltHours: number, now = new Date()): Promise<string[]> {
  const destroyed: string[] = [];
  for (let back = 0; back < LOOKBACK_DAYS; back++) {
    const dayStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - back));
    if (dayStart.getTime() + saltHours * 3_600_000 > now.getTime()) continue;
    const day = utcDay(dayStart);
    try {
      await doc.send(
        new DeleteCommand({
          TableName: tableName,
          Key: keys.salt(day),
          // Only an expired salt, and only if it is there: a wrong clock never destroys today's salt.
          ConditionExpression: 'attribute_exists(pk) AND expiresAt <= :now',
          ExpressionAttributeValues: { ':now': toEpochSeconds(now) },
        }),
      );
      destroyed.push(day);
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
  return destroyed;
}
