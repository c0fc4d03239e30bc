import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { KeyService } from '../kms/key-service';
import { keys, toEpochSeconds } from '../../contracts/table';
import { utcDay } from '../../domain/privacy/pseudonym';


/**
 * One random salt per UTC day, stored only encrypted under the project key and expiring `saltHours` after the
 * day began. Concurrent cold starts race on a conditional put; the loser adopts the winner's salt.
 */
export class DailySaltStore {
  private cached: { day: string; salt: Uint8Array } | undefined;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly keyService: KeyService,
    private readonly saltHours: number,
  ) {}

  async saltFor(now: Date): Promise<Uint8Array> {
    const day = utcDay(now);
    if (this.cached?.day === day) return this.cached.salt;
    const salt = (await this.read(day)) ?? (await this.create(day));
    this.cached = { day, salt };
    return salt;
  }

  /** The salt of a past day while it still exists; undefined once destroyed (or expired and awaiting TTL). */
  async existing(day: string, now = new Date()): Promise<Uint8Array | undefined> {
    return this.read(day, now);
  }

  private async read(day: string, now = new Date()): Promise<Uint8Array | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.salt(day), ConsistentRead: true }),
    );
    if (!Item || (typeof Item.expiresAt === 'number' && Item.expiresAt <= toEpochSeconds(now))) return undefined;
    return this.keyService.decrypt(Item.encryptedSalt as Uint8Array);
  }

  private async create(day: string): Promise<Uint8Array> {
    const { plaintext, ciphertext } = await this.keyService.generateDataKey();
    const dayStart = new Date(`${day}T00:00:00Z`);
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.salt(day),
            encryptedSalt: ciphertext,
            createdAt: new Date().toISOString(),
            expiresAt: toEpochSeconds(dayStart) + this.saltHours * 3600,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return plaintext;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const winner = await this.read(day);
      if (!winner) throw new Error(`Salt for ${day} vanished after a concurrent create`, { cause: error });
      return winner;
    }
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
