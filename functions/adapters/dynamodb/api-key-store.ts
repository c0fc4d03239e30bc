import { randomUUID } from 'node:crypto';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { type ApiKeyGrant, ApiKeyGrantSchema } from '../../contracts/api/api-keys';
import { generateApiKey, hashApiKey } from '../../domain/api-keys';
import { queryAll, queryPages } from './query';
import { API_KEYS_INDEX_PARTITION, keys, LEADS_BY_LAST_SEEN_INDEX, toEpochSeconds } from '../../contracts/table';

/**
 * Keys are listed through the table's ordered index, under one partition of their own. The index holds only
 * LEAD_INDEX_ATTRIBUTES (table.ts): whatever `list` and `revoke` read or filter on must be listed there.
 */

/** What is stored per key, besides its hash. */
const StoredApiKeySchema = ApiKeyGrantSchema.extend({
  createdAt: z.string(),
  expiresAt: z.number(),
  revoked: z.boolean().optional(),
});

export class ApiKeyStore {
  /** A new secret key (`eirl_` and 256 random bits); only its hash is ever stored. */
  static newKey(): string {
    return generateApiKey();
  }

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(
    apiKey: string,
    grant: Omit<ApiKeyGrant, 'keyId'> & { keyId?: string },
    validForDays: number,
    now = new Date(),
  ): Promise<ApiKeyGrant> {
    const record = {
      keyId: grant.keyId ?? randomUUID(),
      sites: grant.sites,
      scopes: grant.scopes,
      createdAt: now.toISOString(),
      expiresAt: toEpochSeconds(now) + validForDays * 86_400,
    };
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.apiKey(hashApiKey(apiKey)),
          gsi1pk: API_KEYS_INDEX_PARTITION,
          gsi1sk: `${record.createdAt}#${record.keyId}`,
          ...record,
        },
      }),
    );
    return { keyId: record.keyId, sites: record.sites, scopes: record.scopes };
  }

  /** The grant of a valid key, or undefined for unknown, revoked or expired keys. */
  async find(apiKey: string, now = new Date()): Promise<ApiKeyGrant | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.apiKey(hashApiKey(apiKey)) }),
    );
    if (!Item) return undefined;
    const stored = StoredApiKeySchema.parse(Item);
    if (stored.revoked || stored.expiresAt <= toEpochSeconds(now)) return undefined;
    return { keyId: stored.keyId, sites: stored.sites, scopes: stored.scopes };
  }

  /** Every key that has not expired, newest first, without hashes. */
  async list(now = new Date()): Promise<Array<ApiKeyGrant & { createdAt: string; expiresAt: string; revoked: boolean }>> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      IndexName: LEADS_BY_LAST_SEEN_INDEX,
      KeyConditionExpression: 'gsi1pk = :keys',
      FilterExpression: 'expiresAt > :now',
      ExpressionAttributeValues: { ':keys': API_KEYS_INDEX_PARTITION, ':now': toEpochSeconds(now) },
      ScanIndexForward: false,
    });
    return items.map((item) => {
      const stored = StoredApiKeySchema.parse(item);
      return {
        keyId: stored.keyId,
        sites: stored.sites,
        scopes: stored.scopes,
        createdAt: stored.createdAt,
        expiresAt: new Date(stored.expiresAt * 1000).toISOString(),
        revoked: stored.revoked ?? false,
      };
    });
  }

  /** Marks a key revoked; the authoriser refuses it from its next uncached call. Returns whether it existed. */
  async revoke(keyId: string): Promise<boolean> {
    const pages = queryPages(this.doc, {
      TableName: this.tableName,
      IndexName: LEADS_BY_LAST_SEEN_INDEX,
      KeyConditionExpression: 'gsi1pk = :keys',
      FilterExpression: 'keyId = :keyId',
      ExpressionAttributeValues: { ':keys': API_KEYS_INDEX_PARTITION, ':keyId': keyId },
    });
    for await (const page of pages) {
      const item = page[0];
      if (!item) continue;
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: item.pk, sk: item.sk },
          UpdateExpression: 'SET revoked = :revoked',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':revoked': true },
        }),
      );
      return true;
    }
    return false;
  }
}
