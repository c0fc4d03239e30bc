import { setTimeout as sleep } from 'node:timers/promises';
import {
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import type { Lead, LeadWithVisits, ListLeadsQuery, TrackedEvent, Visit } from '../api-schemas';
import type { Retention } from '../config';
import { decodeCursor, encodeCursor } from '../cursor';
import { type Item, queryAll } from '../query-all';
import { keys, LEADS_BY_LAST_SEEN_INDEX, toEpochSeconds } from '../table';
import { applyRequests, type Identified, type StoredLead, toLead, type VisitChange, visitFromItem, publicVisit } from './aggregate';

const MAX_ATTEMPTS = 10;
const MAX_VISITS_IN_DETAIL = 100;
/** Keeps each UpdateExpression well under DynamoDB's 4 KB expression limit. */
const ENTRIES_PER_VISIT_UPDATE = 50;

export type RecordOutcome = { status: 'recorded'; applied: number; duplicates: number } | { status: 'duplicate' };

export interface LeadRequest {
  readonly visitorId: string;
  readonly events: readonly TrackedEvent[];
}

/**
 * Where leads are stored. All queued requests of one lead in a batch become one read and two kinds of write,
 * with no transaction and no deduplication item:
 * 1. each touched visit, as map entries keyed by event (`eventKey`), so writing them again changes nothing;
 * 2. then the lead, guarded by its version (optimistic locking: several enrichment instances may update the same
 *    organisation's lead at once). The lead carries the event keys of its open visits, so a redelivered event
 *    is found on the read and skipped. The lead write is the commit point: until it lands, a retry rewrites the
 *    same visit entries and applies the events once.
 */
export class LeadStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly retention: Retention,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** One queued request; see `recordRequests`. */
  recordRequest(identified: Identified & { leadId: string }, visitorId: string, events: readonly TrackedEvent[]): Promise<RecordOutcome> {
    return this.recordRequests(identified, [{ visitorId, events }]);
  }

  /** Every request of one lead from a batch, applied once however often each was delivered. */
  async recordRequests(identified: Identified & { leadId: string }, requests: readonly LeadRequest[]): Promise<RecordOutcome> {
    for (let attempt = 1; ; attempt++) {
      const existing = await this.readStoredLead(identified.siteId, identified.leadId);
      const { lead, visits, applied, duplicates } = applyRequests(existing.live, identified, requests, this.retention);
      if (!lead) return { status: 'duplicate' };
      for (const visit of visits) await this.writeVisit(lead.siteId, lead.leadId, visit);
      try {
        await this.doc.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...keys.lead(lead.siteId, lead.leadId), ...keys.leadIndex(lead.siteId, lead.lastSeenAt, lead.leadId), ...lead },
            ...(existing.version === undefined
              ? { ConditionExpression: 'attribute_not_exists(pk)' }
              : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': existing.version } }),
          }),
        );
        return { status: 'recorded', applied, duplicates };
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException) || attempt >= MAX_ATTEMPTS) throw error;
        // Another instance updated the lead first: back off with full jitter, then re-read and re-apply.
        await sleep(Math.random() * 25 * 2 ** attempt);
      }
    }
  }

  /**
   * Creates the visit (a put, when the lead says it is new) or adds map entries to it. Either way a repeat
   * writes the same entries, so it is safe before the lead's commit. A put that finds the item (written by an
   * earlier attempt) turns into an update; an update that finds none (the visit was erased, or expired and
   * removed, while the lead still held it open) turns into a put.
   */
  private async writeVisit(siteId: string, leadId: string, visit: VisitChange): Promise<void> {
    const key = keys.visit(siteId, leadId, visit.visitId);
    let create = visit.isNew;
    for (let attempt = 1; ; attempt++) {
      try {
        await (create ? this.createVisit(key, visit) : this.addToVisit(key, visit));
        return;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException) || attempt >= 3) throw error;
        create = !create;
      }
    }
  }

  private async createVisit(key: Item, visit: VisitChange): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...key,
          visitId: visit.visitId,
          visitorId: visit.visitorId,
          location: visit.location,
          ...(visit.referrer ? { referrer: visit.referrer } : {}),
          pages: visit.newPages,
          engagement: visit.engagement,
          expiresAt: visit.expiresAt,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  private async addToVisit(key: Item, visit: VisitChange): Promise<void> {
    const entries = [
      ...Object.entries(visit.newPages).map(([eventKey, value]) => ({ map: 'pages', eventKey, value: value as unknown })),
      ...Object.entries(visit.engagement).map(([eventKey, value]) => ({ map: 'engagement', eventKey, value: value as unknown })),
    ];
    for (let start = 0; start < entries.length; start += ENTRIES_PER_VISIT_UPDATE) {
      const names: Record<string, string> = {};
      const values: Record<string, unknown> = { ':expiresAt': visit.expiresAt };
      const sets = ['expiresAt = :expiresAt'];
      entries.slice(start, start + ENTRIES_PER_VISIT_UPDATE).forEach(({ map, eventKey, value }, index) => {
        names[`#k${index}`] = eventKey;
        values[`:v${index}`] = value;
        sets.push(`${map}.#k${index} = :v${index}`);
      });
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    }
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
export const toVisit = (item: Item): Visit => publicVisit(visitFromItem(item));

const LeadCursorSchema = z.strictObject({ pk: z.string(), sk: z.string(), gsi1pk: z.string(), gsi1sk: z.string() });
