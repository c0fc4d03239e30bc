import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { KeyService } from '../kms/key-service';
import { keys, toEpochSeconds } from '../../contracts/table';

export const utcDay = (date: Date): string => date.toISOString().slice(0, 10);

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
