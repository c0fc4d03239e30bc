import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { keys, toEpochSeconds } from '../../contracts/table';
import type { LeadActivity } from '../../domain/alerts/activity';

/**
 * That a rule fired for an organisation, until its cool-down ends: one conditional put per firing, the commit point
 * of "once per rule, organisation and period". A stream record delivered again carries the same `eventId`, so its
 * claim succeeds again and re-queues the same deliveries (same ids, deduplicated by the delivery log); any other
 * change of the lead within the cool-down finds the claim taken.
 */
export class AlertClaims {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async claim(siteId: string, ruleId: string, leadId: string, eventId: string, now: Date, cooldownHours: number): Promise<boolean> {
    const nowSeconds = toEpochSeconds(now);
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.alertFired(siteId, ruleId, leadId), eventId, firedAt: now.toISOString(), expiresAt: nowSeconds + cooldownHours * 3600 },
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now OR eventId = :eventId',
          ExpressionAttributeValues: { ':now': nowSeconds, ':eventId': eventId },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}

/**
 * A lead's hourly activity (domain/alerts/activity.ts), in the lead's own partition so that erasing the lead erases
 * it too. Written only where a rule asks for activity in a window, guarded by the lead version it counted.
 */
export class LeadActivityStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(siteId: string, leadId: string): Promise<LeadActivity | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.leadActivity(siteId, leadId), ConsistentRead: true }));
    return Item ? { hours: Item.hours as LeadActivity['hours'], version: Item.version as number } : undefined;
  }

  /** False when another instance counted a newer version first. */
  async put(siteId: string, leadId: string, activity: LeadActivity, expiresAt: number): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.leadActivity(siteId, leadId), hours: activity.hours, version: activity.version, expiresAt },
          ConditionExpression: 'attribute_not_exists(pk) OR version < :version',
          ExpressionAttributeValues: { ':version': activity.version },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
