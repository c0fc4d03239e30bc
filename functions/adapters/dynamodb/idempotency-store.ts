import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { keys, toEpochSeconds } from '../../contracts/table';

/** The first answer to a request with an `Idempotency-Key`, as kept for its repeats. */
export interface KeptAnswer {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export type IdempotencyRecord =
  | { readonly state: 'pending'; readonly requestHash: string }
  | { readonly state: 'done'; readonly requestHash: string; readonly answer?: KeptAnswer };

/** How long a key is remembered (as Stripe does). */
export const IDEMPOTENCY_HOURS = 24;
/** Answers larger than this are not kept (the item stays far below DynamoDB's 400 KB); a repeat then gets a 409. */
export const MAX_KEPT_ANSWER_BYTES = 64 * 1024;
/** A claim older than this is taken over: its request outlived the function's timeout (10 s), so it died. */
const STALE_CLAIM_SECONDS = 60;

/**
 * Idempotency records, one item per key under the site (`SITE#{site}#IDEMPOTENCY#{hash}`), expiring after a day.
 * A request first claims its key with a conditional put; only the claimant runs, the others see the claim.
 */
export class IdempotencyStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Claims the key for this request, or returns what an earlier request with the key left. */
  async claim(siteId: string, hash: string, requestHash: string): Promise<{ claimed: true } | { claimed: false; record: IdempotencyRecord }> {
    const now = toEpochSeconds(this.clock());
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...keys.idempotency(siteId, hash), state: 'pending', requestHash, claimedAt: now, expiresAt: now + IDEMPOTENCY_HOURS * 3600 },
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now OR (#state = :pending AND claimedAt < :stale)',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':now': now, ':pending': 'pending', ':stale': now - STALE_CLAIM_SECONDS },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { claimed: true };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException) || !error.Item) throw error;
      const item = error.Item as Record<string, { S?: string; N?: string }>;
      const requestHashOld = item.requestHash?.S ?? '';
      if (item.state?.S !== 'done') return { claimed: false, record: { state: 'pending', requestHash: requestHashOld } };
      const answer = item.answer?.S;
      return { claimed: false, record: { state: 'done', requestHash: requestHashOld, ...(answer ? { answer: JSON.parse(answer) as KeptAnswer } : {}) } };
    }
  }

  /** Keeps the answer (unless it is too large to keep) for the key's repeats. */
  async complete(siteId: string, hash: string, requestHash: string, answer: KeptAnswer): Promise<void> {
    const now = toEpochSeconds(this.clock());
    const text = JSON.stringify(answer);
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...keys.idempotency(siteId, hash),
          state: 'done',
          requestHash,
          ...(Buffer.byteLength(text) <= MAX_KEPT_ANSWER_BYTES ? { answer: text } : {}),
          expiresAt: now + IDEMPOTENCY_HOURS * 3600,
        },
      }),
    );
  }

  /** Gives the key up (the request failed), so that a retry runs again. */
  async release(siteId: string, hash: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: keys.idempotency(siteId, hash) }));
  }
}
