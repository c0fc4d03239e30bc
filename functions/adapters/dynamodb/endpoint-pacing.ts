import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { keys, toEpochSeconds } from '../../contracts/table';
import { nextSlot, type PacingSlot } from '../../domain/alerts/pacing';

/** A pacing item outlives its last slot by a day: long enough for any burst, gone soon after. */
const PACING_ITEM_DAYS = 1;
/** Concurrent deliveries to one endpoint each win a round; a batch holds ten. */
const MAX_ROUNDS = 12;

/**
 * Spaces the sends to one endpoint across every concurrent invocation of the delivery function: one small item per
 * endpoint (`SITE#{site}#ALERTS#PACE`, the time its next slot is free), advanced with a conditional write, so no two
 * sends take the same slot. A read and a write per paced send, half a read unit and one write unit.
 */
export class EndpointPacer {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Reserves the endpoint's next slot if it is at most `maxWaitMs` away. */
  async reserve(siteId: string, endpointId: string, intervalMs: number, maxWaitMs: number): Promise<PacingSlot> {
    const key = keys.alertPacing(siteId, endpointId);
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const nowMs = this.clock().getTime();
      const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
      const stored = Item && Number(Item.expiresAt) > toEpochSeconds(new Date(nowMs)) ? Number(Item.nextFreeMs) : undefined;
      const slot = nextSlot(nowMs, stored ?? 0, maxWaitMs);
      if ('holdBackMs' in slot) return slot;
      const nextFreeMs = nowMs + slot.waitMs + intervalMs;
      try {
        await this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...key, nextFreeMs, expiresAt: Math.ceil(nextFreeMs / 1000) + PACING_ITEM_DAYS * 86_400 },
            // Taken only if nobody advanced it since the read (an expired item counts as none).
            ConditionExpression: Item ? 'nextFreeMs = :seen' : 'attribute_not_exists(pk)',
            ...(Item ? { ExpressionAttributeValues: { ':seen': Item.nextFreeMs } } : {}),
          }),
        );
        return slot;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    // Lost every round to other sends of this endpoint: it is busy, so come back a little later.
    return { holdBackMs: intervalMs * MAX_ROUNDS };
  }
}
