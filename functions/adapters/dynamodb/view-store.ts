import { randomBytes } from 'node:crypto';
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { MAX_VIEWS_PER_SITE, type SaveViewRequest, type View } from '../../contracts/api/dashboard';
import { keys, toEpochSeconds } from '../../contracts/table';
import { queryAll } from './query';

/**
 * Saved feed views of a site: a name and the feed's filters, private to whoever saved it or shared with every user
 * of the site. At most MAX_VIEWS_PER_SITE per site, each a few hundred bytes (the schema bounds names and filters).
 */
export class ViewStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly viewDays: number,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** The caller's own views and the shared ones, by name. */
  async list(siteId: string, principal: string): Promise<View[]> {
    const now = toEpochSeconds(this.clock());
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      // Both names are DynamoDB reserved words.
      FilterExpression: 'expiresAt > :now AND (#shared = :true OR #owner = :owner)',
      ExpressionAttributeNames: { '#shared': 'shared', '#owner': 'owner' },
      ExpressionAttributeValues: { ':pk': keys.viewsPartition(siteId), ':now': now, ':true': true, ':owner': principal },
    });
    return items
      .map((item) => ({
        viewId: String(item.sk),
        name: String(item.name),
        filters: (item.filters ?? {}) as Record<string, string>,
        shared: item.shared === true,
        mine: item.owner === principal,
        createdAt: String(item.createdAt),
        expiresAt: new Date(Number(item.expiresAt) * 1000).toISOString(),
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Saves a view, or answers 'full' when the site keeps MAX_VIEWS_PER_SITE already. */
  async save(siteId: string, principal: string, request: SaveViewRequest): Promise<View | 'full'> {
    const count = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      FilterExpression: 'expiresAt > :now',
      ExpressionAttributeValues: { ':pk': keys.viewsPartition(siteId), ':now': toEpochSeconds(this.clock()) },
      ProjectionExpression: 'pk',
    });
    if (count.length >= MAX_VIEWS_PER_SITE) return 'full';
    const now = this.clock();
    const view = {
      viewId: randomBytes(8).toString('hex'),
      name: request.name,
      filters: request.filters,
      shared: request.shared,
      createdAt: now.toISOString(),
      expiresAt: toEpochSeconds(now) + this.viewDays * 86_400,
    };
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: keys.viewsPartition(siteId), sk: view.viewId, owner: principal, ...view },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return { ...view, mine: true, expiresAt: new Date(view.expiresAt * 1000).toISOString() };
  }

  /** Deletes a view the principal saved; false when there is none of theirs. */
  async delete(siteId: string, principal: string, viewId: string): Promise<boolean> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: keys.viewsPartition(siteId), sk: viewId },
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': principal },
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }
}
