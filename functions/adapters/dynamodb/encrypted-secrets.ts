import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { toEpochSeconds } from '../../contracts/table';
import type { KeyPurpose } from '../../contracts/names';
import type { KeyService } from '../kms/key-service';

/**
 * Random 256-bit secrets, one per period (a day's pseudonym salt, a month's cursor-signing key), stored only
 * encrypted under the project key with their purpose as the encryption context, each with its expiry. Concurrent
 * cold starts race on a conditional put; the loser adopts the winner's secret.
 */
export class EncryptedSecrets {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly keyService: KeyService,
    private readonly purpose: KeyPurpose,
    /** The item key of a period's secret. */
    private readonly keyOf: (period: string) => { pk: string; sk: string },
    /** The attribute holding the ciphertext. */
    private readonly attribute: string,
  ) {}

  /** The period's secret while it exists; undefined once destroyed (or expired and awaiting TTL). */
  async existing(period: string, now = new Date()): Promise<Uint8Array | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: this.keyOf(period), ConsistentRead: true }));
    if (!Item || (typeof Item.expiresAt === 'number' && Item.expiresAt <= toEpochSeconds(now))) return undefined;
    return this.keyService.decrypt(Item[this.attribute] as Uint8Array, this.purpose);
  }

  /** The period's secret, made now if there is none, expiring at `expiresAt`. */
  async getOrCreate(period: string, expiresAt: Date): Promise<Uint8Array> {
    return (await this.existing(period)) ?? (await this.create(period, expiresAt));
  }

  private async create(period: string, expiresAt: Date): Promise<Uint8Array> {
    const { plaintext, ciphertext } = await this.keyService.generateDataKey(this.purpose);
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...this.keyOf(period), [this.attribute]: ciphertext, createdAt: new Date().toISOString(), expiresAt: toEpochSeconds(expiresAt) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return plaintext;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const winner = await this.existing(period);
      if (!winner) throw new Error(`The ${this.purpose} of ${period} vanished after a concurrent create`, { cause: error });
      return winner;
    }
  }
}
