import { setTimeout as sleep } from 'node:timers/promises';
import {
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import type { Lead, LeadWithVisits, ListLeadsQuery, TrackedEvent, Visit } from '../api-schemas';
import type { Retention } from '../config';
import { decodeCursor, encodeCursor } from '../cursor';
import { type Item, queryAll } from '../query-all';
import { keys, LEADS_BY_LAST_SEEN_INDEX, toEpochSeconds } from '../table';
import { applyEvents, type Identified, type StoredLead, toLead } from './aggregate';

type Transaction = NonNullable<TransactWriteCommandInput['TransactItems']>;

const MAX_ATTEMPTS = 10;
const MAX_VISITS_IN_DETAIL = 100;

export type RecordOutcome = { status: 'recorded'; applied: number; duplicates: number } | { status: 'duplicate' };

/**
 * Where leads are stored. Each queued request becomes one transaction: a dedupe marker per event id (so a
 * redelivered message changes nothing), the visit, and the lead guarded by its version (optimistic locking,
 * since several enrichment instances may update the same organisation's lead at once).
 */
export class LeadStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly retention: Retention,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async recordRequest(
    identified: Identified & { leadId: string },
    visitorId: string,
    events: readonly TrackedEvent[],
  ): Promise<RecordOutcome> {
    let pending = [...events];
    for (let attempt = 1; ; attempt++) {
      const existing = await this.readStoredLead(identified.siteId, identified.leadId);
      const { lead, visit } = applyEvents(existing.live, identified, visitorId, pending, this.retention);
      try {
        await this.doc.send(new TransactWriteCommand({ TransactItems: this.transaction(lead, visit, pending, existing.version) }));
        return { status: 'recorded', applied: pending.length, duplicates: events.length - pending.length };
      } catch (error) {
        if (!(error instanceof TransactionCanceledException) || attempt >= MAX_ATTEMPTS) throw error;
        const reasons = error.CancellationReasons ?? [];
        const alreadyApplied = new Set(
          pending.filter((_, index) => reasons[index]?.Code === 'ConditionalCheckFailed').map((event) => event.id),
        );
        pending = pending.filter((event) => !alreadyApplied.has(event.id));
        if (pending.length === 0) return { status: 'duplicate' };
        // A lost version race or throttling: back off with full jitter, then re-read and re-apply.
        await sleep(Math.random() * 25 * 2 ** attempt);
      }
    }
  }

  private transaction(
    lead: StoredLead,
    visit: ReturnType<typeof applyEvents>['visit'],
    events: readonly TrackedEvent[],
    expectedVersion: number | undefined,
  ): Transaction {
    const now = this.clock();
    const dedupeExpiresAt = toEpochSeconds(now) + this.retention.dedupeHours * 3600;
    const dedupe: Transaction = events.map((event) => ({
      Put: {
        TableName: this.tableName,
        Item: { ...keys.dedupe(lead.siteId, event.id), expiresAt: dedupeExpiresAt },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    }));
    const referrer = visit.referrer ? ', referrer = if_not_exists(referrer, :referrer)' : '';
    return [
      ...dedupe,
      {
        Update: {
          TableName: this.tableName,
          Key: keys.visit(lead.siteId, lead.leadId, visit.visitId),
          UpdateExpression:
            'SET visitId = :visitId, visitorId = :visitorId, startedAt = if_not_exists(startedAt, :startedAt), ' +
            'endedAt = :endedAt, pages = list_append(if_not_exists(pages, :none), :pages), #location = :location, ' +
            `engagedMs = if_not_exists(engagedMs, :zero) + :engagedMs, expiresAt = :expiresAt${referrer}`,
          ExpressionAttributeNames: { '#location': 'location' },
          ExpressionAttributeValues: {
            ':visitId': visit.visitId,
            ':visitorId': visit.visitorId,
            ':startedAt': visit.startedAt,
            ':endedAt': visit.endedAt,
            ':none': [],
            ':pages': visit.newPages,
            ':location': visit.location,
            ':zero': 0,
            ':engagedMs': visit.engagedMs,
            ':expiresAt': visit.expiresAt,
            ...(visit.referrer ? { ':referrer': visit.referrer } : {}),
          },
        },
      },
      {
        Put: {
          TableName: this.tableName,
          Item: {
            ...keys.lead(lead.siteId, lead.leadId),
            ...keys.leadIndex(lead.siteId, lead.lastSeenAt, lead.leadId),
            ...lead,
          },
          ...(expectedVersion === undefined
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': expectedVersion } }),
        },
      },
    ];
  }

  /** The stored lead, and its version even when it has expired (the item may linger until TTL removes it). */
  private async readStoredLead(siteId: string, leadId: string): Promise<{ live?: StoredLead; version?: number }> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.lead(siteId, leadId), ConsistentRead: true }),
    );
    if (!Item) return {};
    const stored = Item as unknown as StoredLead;
    return this.isLive(Item) ? { live: stored, version: stored.version } : { version: stored.version };
  }

  private isLive(item: Item): boolean {
    return typeof item.expiresAt === 'number' && item.expiresAt > toEpochSeconds(this.clock());
  }

  /** Newest `lastSeenAt` first, from the site's index partition; never a Scan. */
  async listLeads(siteId: string, query: ListLeadsQuery): Promise<{ items: Lead[]; nextCursor: string | null }> {
    const names: Record<string, string> = { '#expiresAt': 'expiresAt' };
    const values: Record<string, unknown> = { ':site': keys.siteLeads(siteId), ':now': toEpochSeconds(this.clock()) };
    let keyCondition = 'gsi1pk = :site';
    const since = query.since ? new Date(query.since).toISOString() : undefined;
    const until = query.until ? new Date(query.until).toISOString() : undefined;
    if (since && until) {
      keyCondition += ' AND gsi1sk BETWEEN :since AND :until';
      Object.assign(values, { ':since': since, ':until': until });
    } else if (since) {
      keyCondition += ' AND gsi1sk >= :since';
      values[':since'] = since;
    } else if (until) {
      keyCondition += ' AND gsi1sk < :until';
      values[':until'] = until;
    }
    let filter = '#expiresAt > :now';
    if (query.country) {
      filter += ' AND #location.country = :country';
      names['#location'] = 'location';
      values[':country'] = query.country;
    }
    const input: QueryCommandInput = {
      TableName: this.tableName,
      IndexName: LEADS_BY_LAST_SEEN_INDEX,
      KeyConditionExpression: keyCondition,
      FilterExpression: filter,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ScanIndexForward: false,
    };

    const items: Item[] = [];
    let startKey: Item | undefined = query.cursor
      ? decodeCursor(query.cursor, LeadCursorSchema, (key) => key.gsi1pk === keys.siteLeads(siteId) && key.pk.startsWith(`SITE#${siteId}#LEAD#`))
      : undefined;
    let exhausted = false;
    // Filters apply after DynamoDB's Limit, so keep reading until the page is full or the partition ends.
    while (items.length < query.limit) {
      const page = await this.doc.send(
        new QueryCommand({ ...input, Limit: query.limit - items.length + 1, ExclusiveStartKey: startKey }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
      if (!startKey) {
        exhausted = true;
        break;
      }
    }
    const pageItems = items.slice(0, query.limit);
    const last = pageItems[pageItems.length - 1];
    const more = items.length > query.limit || !exhausted;
    return {
      items: pageItems.map((item) => toLead(item as unknown as StoredLead)),
      nextCursor: more && last ? encodeCursor({ pk: last.pk, sk: last.sk, gsi1pk: last.gsi1pk, gsi1sk: last.gsi1sk }) : null,
    };
  }

  async getLead(siteId: string, leadId: string): Promise<LeadWithVisits | undefined> {
    const items = await this.partition(siteId, leadId);
    const leadItem = items.find((item) => item.sk === 'LEAD');
    if (!leadItem || !this.isLive(leadItem)) return undefined;
    const visits = items
      .filter((item) => typeof item.sk === 'string' && item.sk.startsWith('VISIT#') && this.isLive(item))
      .map(toVisit)
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt))
      .slice(0, MAX_VISITS_IN_DETAIL);
    return { ...toLead(leadItem as unknown as StoredLead), visits };
  }

  /**
   * Deletes the lead and all its visits. The lead item goes first: every read starts from it, so the
   * lead and its visits disappear from reads at once even while the visits are still being removed.
   * Returns whether a live lead existed.
   */
  async deleteLead(siteId: string, leadId: string): Promise<boolean> {
    const items = await this.partition(siteId, leadId, 'pk, sk, expiresAt');
    const leadItem = items.find((item) => item.sk === 'LEAD');
    const existed = leadItem !== undefined && this.isLive(leadItem);
    if (leadItem) await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: keys.lead(siteId, leadId) }));
    const rest = items.filter((item) => item.sk !== 'LEAD');
    for (let i = 0; i < rest.length; i += 25) {
      let requests = rest.slice(i, i + 25).map((item) => ({ DeleteRequest: { Key: { pk: item.pk, sk: item.sk } } }));
      for (let attempt = 1; requests.length > 0; attempt++) {
        const result = await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }));
        requests = (result.UnprocessedItems?.[this.tableName] ?? []) as typeof requests;
        if (requests.length > 0) {
          if (attempt >= MAX_ATTEMPTS) throw new Error('Could not delete all visits of the lead; retry the request');
          await sleep(Math.random() * 25 * 2 ** attempt);
        }
      }
    }
    return existed;
  }

  private async partition(siteId: string, leadId: string, projection?: string): Promise<Item[]> {
    return queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.leadPartition(siteId, leadId) },
      ConsistentRead: true,
      ...(projection ? { ProjectionExpression: projection } : {}),
    });
  }

}

/** The public view of a stored visit item. */
export function toVisit(item: Item): Visit {
  const visit = item as unknown as Visit;
  return {
    visitId: visit.visitId,
    startedAt: visit.startedAt,
    endedAt: visit.endedAt,
    ...(visit.referrer ? { referrer: visit.referrer } : {}),
    pages: visit.pages,
    location: visit.location,
  };
}

const LeadCursorSchema = z.strictObject({ pk: z.string(), sk: z.string(), gsi1pk: z.string(), gsi1sk: z.string() });
