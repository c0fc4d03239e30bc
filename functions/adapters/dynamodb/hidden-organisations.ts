import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { HiddenOrganisation } from '../../contracts/api/hidden';
import { keys, toEpochSeconds } from '../../contracts/table';
import { type HiddenRule, hiddenIdOf } from '../../domain/leads/hidden';
import { queryAll } from './query';

/** A site hides at most this many organisations: the list is read whole into every enrichment instance. */
export const MAX_HIDDEN_PER_SITE = 1000;

/**
 * The organisations each site hid. Read whole by the leads list (every page) and by the enrichment (once per batch
 * and site, about half a read unit), so a rule takes effect at once in both.
 */
export class HiddenOrganisationStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly hiddenDays: number,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async hide(siteId: string, rule: HiddenRule): Promise<HiddenOrganisation | 'full'> {
    const existing = await this.list(siteId);
    const hiddenId = hiddenIdOf(rule);
    if (existing.length >= MAX_HIDDEN_PER_SITE && !existing.some((entry) => entry.hiddenId === hiddenId)) return 'full';
    const now = this.clock();
    const entry = { hiddenId, ...rule, hiddenAt: now.toISOString() };
    const expiresAt = toEpochSeconds(now) + this.hiddenDays * 86_400;
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { pk: keys.hiddenPartition(siteId), sk: hiddenId, ...entry, expiresAt } }));
    return { ...entry, expiresAt: new Date(expiresAt * 1000).toISOString() };
  }

  /** Whether the entry existed (and was live). */
  async show(siteId: string, hiddenId: string): Promise<boolean> {
    const { Attributes } = await this.doc.send(
      new DeleteCommand({ TableName: this.tableName, Key: { pk: keys.hiddenPartition(siteId), sk: hiddenId }, ReturnValues: 'ALL_OLD' }),
    );
    return typeof Attributes?.expiresAt === 'number' && Attributes.expiresAt > toEpochSeconds(this.clock());
  }

  async list(siteId: string): Promise<HiddenOrganisation[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      FilterExpression: 'expiresAt > :now',
      ExpressionAttributeValues: { ':pk': keys.hiddenPartition(siteId), ':now': toEpochSeconds(this.clock()) },
      ConsistentRead: true,
    });
    return items.map((item) => ({
      hiddenId: String(item.hiddenId),
      ...(typeof item.asn === 'number' ? { asn: item.asn } : {}),
      ...(typeof item.domain === 'string' ? { domain: item.domain } : {}),
      ...(typeof item.name === 'string' ? { name: item.name } : {}),
      hiddenAt: String(item.hiddenAt),
      expiresAt: new Date(Number(item.expiresAt) * 1000).toISOString(),
    }));
  }

  /** The site's rules. */
  async rules(siteId: string): Promise<HiddenRule[]> {
    return (await this.list(siteId)).map(
      (entry): HiddenRule => (entry.asn !== undefined ? { asn: entry.asn } : entry.domain !== undefined ? { domain: entry.domain } : { name: entry.name ?? '' }),
    );
  }
}
