import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AlertEvent, Delivery } from '../../contracts/api/alerts';
import { keys, toEpochSeconds } from '../../contracts/table';
import { queryAll } from './query';

/**
 * Each endpoint's delivery log: one item per delivery with its body (organisation-level data only), its status and
 * its attempts (status, latency), kept `deliveryLogDays`. The item is also what makes sending idempotent: a message
 * whose delivery is no longer pending is dropped, and an attempt is made only under a lease taken with a conditional
 * update, so two copies of one queue message never send at once.
 */
export type DeliveryStatus = Delivery['status'];
export type DeliveryAttempt = Delivery['attempts'][number];

export interface StoredDelivery {
  readonly deliveryId: string;
  readonly siteId: string;
  readonly endpointId: string;
  readonly ruleId?: string;
  readonly leadId?: string;
  readonly eventType: string;
  /** The event as JSON, as it is signed and sent; absent for a digest, which reads its entries when sent. */
  readonly body?: string;
  /** The UTC day a digest delivery covers. */
  readonly digestDay?: string;
  readonly status: DeliveryStatus;
  readonly attempts: readonly DeliveryAttempt[];
  /** Attempts since it was (re)opened: what the retry schedule counts. */
  readonly attemptCount: number;
  readonly nextAttemptAt?: string;
  readonly leaseUntil?: number;
  readonly createdAt: string;
  readonly expiresAt: number;
}

/** The last attempts shown and kept per delivery (a replayed delivery adds attempts). */
export const MAX_KEPT_ATTEMPTS = 20;

export class DeliveryLog {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly deliveryLogDays: number,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  expiryFrom(createdAt: Date): number {
    return toEpochSeconds(createdAt) + this.deliveryLogDays * 86_400;
  }

  /** Creates a pending delivery; false when it exists already (a redelivered stream record made it before). */
  async create(delivery: Omit<StoredDelivery, 'status' | 'attempts' | 'attemptCount' | 'expiresAt'>): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...keys.delivery(delivery.siteId, delivery.endpointId, delivery.deliveryId),
            ...delivery,
            status: 'pending',
            attempts: [],
            attemptCount: 0,
            expiresAt: this.expiryFrom(new Date(delivery.createdAt)),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async get(siteId: string, endpointId: string, deliveryId: string): Promise<StoredDelivery | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.delivery(siteId, endpointId, deliveryId), ConsistentRead: true }),
    );
    return Item && (Item.expiresAt as number) > toEpochSeconds(this.clock()) ? (Item as unknown as StoredDelivery) : undefined;
  }

  /** Takes the right to make the next attempt for `seconds`; false when the delivery is not pending or leased. */
  async lease(delivery: StoredDelivery, seconds: number): Promise<number | undefined> {
    const now = toEpochSeconds(this.clock());
    const until = now + seconds;
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.delivery(delivery.siteId, delivery.endpointId, delivery.deliveryId),
          UpdateExpression: 'SET leaseUntil = :until',
          ConditionExpression: '#status = :pending AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':until': until, ':pending': 'pending', ':now': now },
        }),
      );
      return until;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  /** Records an attempt made under `lease` and what follows from it, and releases the lease. */
  async finishAttempt(
    delivery: StoredDelivery,
    lease: number,
    attempt: DeliveryAttempt,
    next: { readonly status: DeliveryStatus; readonly nextAttemptAt?: string },
  ): Promise<void> {
    const attempts = [...delivery.attempts, attempt].slice(-MAX_KEPT_ATTEMPTS);
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.delivery(delivery.siteId, delivery.endpointId, delivery.deliveryId),
        UpdateExpression: `SET attempts = :attempts, attemptCount = attemptCount + :one, #status = :status${next.nextAttemptAt ? ', nextAttemptAt = :next' : ''} REMOVE leaseUntil${next.nextAttemptAt ? '' : ', nextAttemptAt'}`,
        ConditionExpression: 'leaseUntil = :lease',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':attempts': attempts, ':one': 1, ':status': next.status, ':lease': lease, ...(next.nextAttemptAt ? { ':next': next.nextAttemptAt } : {}) },
      }),
    );
  }

  /** Ends a delivery without an attempt (its endpoint was deleted or disabled meanwhile). */
  async abandon(delivery: StoredDelivery, reason: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: keys.delivery(delivery.siteId, delivery.endpointId, delivery.deliveryId),
        UpdateExpression: 'SET #status = :abandoned, attempts = list_append(attempts, :attempt) REMOVE leaseUntil, nextAttemptAt',
        ConditionExpression: '#status = :pending',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':abandoned': 'abandoned', ':pending': 'pending', ':attempt': [{ at: this.clock().toISOString(), error: reason }] },
      }),
    );
  }

  /** Opens a finished delivery again for a replay; undefined when there is none, `pending` when it is still being tried. */
  async reopen(siteId: string, endpointId: string, deliveryId: string): Promise<StoredDelivery | 'pending' | undefined> {
    const now = this.clock();
    try {
      const { Attributes } = await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.delivery(siteId, endpointId, deliveryId),
          UpdateExpression: 'SET #status = :pending, attemptCount = :zero REMOVE leaseUntil, nextAttemptAt',
          ConditionExpression: 'attribute_exists(pk) AND expiresAt > :now AND #status <> :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pending': 'pending', ':zero': 0, ':now': toEpochSeconds(now) },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes as unknown as StoredDelivery;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return (await this.get(siteId, endpointId, deliveryId)) ? 'pending' : undefined;
    }
  }

  /** Newest first; `after` is the last delivery id of the previous page (ids sort by time). */
  async list(siteId: string, endpointId: string, limit: number, after?: string): Promise<{ items: StoredDelivery[]; last?: string }> {
    const items: StoredDelivery[] = [];
    let startKey: Record<string, unknown> | undefined = after ? keys.delivery(siteId, endpointId, after) : undefined;
    const now = toEpochSeconds(this.clock());
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          FilterExpression: 'expiresAt > :now',
          ExpressionAttributeValues: { ':pk': keys.deliveryLog(siteId, endpointId), ':now': now },
          ScanIndexForward: false,
          Limit: limit + 1 - items.length,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...((page.Items ?? []) as unknown as StoredDelivery[]));
      startKey = page.LastEvaluatedKey;
    } while (startKey && items.length <= limit);
    const more = items.length > limit;
    const shown = items.slice(0, limit);
    return { items: shown, ...(more ? { last: shown[shown.length - 1]?.deliveryId } : {}) };
  }

  /** An alert for a daily-digest endpoint, kept until the digest of its day is sent (and then as long as the log). */
  async addDigestEntry(siteId: string, endpointId: string, day: string, deliveryId: string, event: AlertEvent): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keys.digestEntry(siteId, endpointId, day, deliveryId), body: JSON.stringify(event), expiresAt: this.expiryFrom(this.clock()) },
      }),
    );
  }

  async digestEntries(siteId: string, endpointId: string, day: string): Promise<AlertEvent[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :day)',
      FilterExpression: 'expiresAt > :now',
      ExpressionAttributeValues: { ':pk': keys.digestEntries(siteId, endpointId), ':day': `${day}#`, ':now': toEpochSeconds(this.clock()) },
    });
    return items.map((item) => JSON.parse(item.body as string) as AlertEvent);
  }
}

/** The log item as the API shows it. */
export function deliveryView(delivery: StoredDelivery): Delivery {
  return {
    deliveryId: delivery.deliveryId,
    endpointId: delivery.endpointId,
    ...(delivery.ruleId ? { ruleId: delivery.ruleId } : {}),
    eventType: delivery.eventType,
    ...(delivery.leadId ? { leadId: delivery.leadId } : {}),
    status: delivery.status,
    attempts: [...delivery.attempts],
    ...(delivery.nextAttemptAt ? { nextAttemptAt: delivery.nextAttemptAt } : {}),
    createdAt: delivery.createdAt,
    expiresAt: new Date(delivery.expiresAt * 1000).toISOString(),
  };
}
