import { setTimeout as sleep } from 'node:timers/promises';
import {
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
} from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import type { Lead, LeadWithVisits, ListLeadsQuery, Visit } from '../../contracts/api/leads';
import type { QueuedEvent } from '../../contracts/queue-message';
import { type BehaviourLimits, DEFAULT_BEHAVIOUR_LIMITS, type Retention } from '../../contracts/deployment-config';
import { checkStartKey } from './cursor';
import { leadQuery } from './lead-filters';
import { type Item, queryAll, queryPage } from './query';
import { keys, leadKeyParts, LEADS_BY_LAST_SEEN_INDEX, toEpochSeconds } from '../../contracts/table';
import { applyRequests, type DropReason, type LeadRequest } from '../../domain/leads/apply-requests';
import { currentLead, LIST_REFRESH_MS, type LeadItem, leadItemFor, listedOf } from '../../domain/leads/listing';
import type { Identified, StoredLead, StoredVisit, VisitPart } from '../../domain/leads/model';
import { publicVisit, toLead } from '../../domain/leads/views';
import { leadItemFrom, storedLeadItem } from './lead-item';
import { visitsFromItems } from './visit-items';

const MAX_ATTEMPTS = 10;
const MAX_VISITS_IN_DETAIL = 100;

/**
 * What recording did: `duplicate` when every event had been applied before; otherwise the events applied now, those
 * applied before, and (only when there were any) those dropped, by reason (apply-requests.ts `DropReason`).
 */
export type RecordOutcome =
  | { status: 'recorded'; applied: number; duplicates: number; dropped?: Partial<Record<DropReason, number>> }
  | { status: 'duplicate' };


/**
 * Where leads are stored. All queued requests of one lead in a batch become one read and two kinds of write,
 * with no transaction and no deduplication item:
 * 1. the lead, guarded by its version (optimistic locking: several enrichment instances may update the same
 *    organisation's lead at once). It carries the event keys of its open visits, so a redelivered event is found
 *    on the read and skipped. This write is the commit point: it decides which visit each event belongs to. Its
 *    index entry (the leads list) changes only when the listed figures are refreshed (domain/leads/listing.ts);
 * 2. then one small item per request and visit (a visit part), keyed by its first event, so writing it again
 *    changes nothing. A delivery that failed after the commit is completed by its redelivery, which finds its
 *    events applied and writes their parts again. Nothing is written before the commit, so a lost version race
 *    leaves nothing behind to clean up.
 */
export class LeadStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly retention: Retention,
    private readonly clock: () => Date = () => new Date(),
    private readonly limits: BehaviourLimits = DEFAULT_BEHAVIOUR_LIMITS,
  ) {}

  /** One queued request; see `recordRequests`. */
  recordRequest(identified: Identified & { leadId: string }, visitorId: string, events: readonly QueuedEvent[], network: string): Promise<RecordOutcome> {
    return this.recordRequests(identified, [{ visitorId, network, events }]);
  }

  /** Every request of one lead from a batch, applied once however often each was delivered. */
  async recordRequests(identified: Identified & { leadId: string }, requests: readonly LeadRequest[]): Promise<RecordOutcome> {
    for (let attempt = 1; ; attempt++) {
      const existing = await this.readStoredLead(identified.siteId, identified.leadId);
      const { lead, parts, replays, applied, duplicates, dropped } = applyRequests(existing.live, identified, requests, this.retention, this.limits);
      if (lead) {
        const { item } = leadItemFor(lead, existing.item);
        try {
          await this.doc.send(
            new PutCommand({
              TableName: this.tableName,
              Item: storedLeadItem(item),
              ...(existing.version === undefined
                ? { ConditionExpression: 'attribute_not_exists(pk)' }
                : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': existing.version } }),
            }),
          );
        } catch (error) {
          if (!(error instanceof ConditionalCheckFailedException) || attempt >= MAX_ATTEMPTS) throw error;
          // Another instance updated the lead first: back off with full jitter, then re-read and re-apply.
          await sleep(Math.random() * 25 * 2 ** attempt);
          continue;
        }
      }
      await this.writeParts(identified.siteId, identified.leadId, [...parts, ...replays]);
      if (!lead && Object.keys(dropped).length === 0) return { status: 'duplicate' };
      return { status: 'recorded', applied, duplicates, ...(Object.keys(dropped).length > 0 ? { dropped } : {}) };
    }
  }

  private async writeParts(siteId: string, leadId: string, parts: readonly VisitPart[]): Promise<void> {
    const puts = parts.map(({ visitId, partKey, ...part }) => ({
      PutRequest: { Item: { ...keys.visitPart(siteId, leadId, visitId, partKey), ...part } },
    }));
    for (let i = 0; i < puts.length; i += 25) await this.batchWrite(puts.slice(i, i + 25));
  }

  /** A BatchWriteItem of up to 25 requests, retrying what DynamoDB left unprocessed (under throttling). */
  private async batchWrite(requests: readonly Record<string, unknown>[]): Promise<void> {
    let pending = [...requests];
    for (let attempt = 1; pending.length > 0; attempt++) {
      const result = await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }));
      pending = (result.UnprocessedItems?.[this.tableName] ?? []) as typeof pending;
      if (pending.length > 0) {
        if (attempt >= MAX_ATTEMPTS) throw new Error(`DynamoDB left ${pending.length} writes unprocessed; retry the request`);
        await sleep(Math.random() * 25 * 2 ** attempt);
      }
    }
  }

  /**
   * The stored lead as it is now, the item it is stored as (listed figures and changes since), and its version even
   * when it has expired (the item may linger until TTL removes it).
   */
  private async readStoredLead(siteId: string, leadId: string): Promise<{ live?: StoredLead; item?: LeadItem; version?: number }> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: keys.lead(siteId, leadId), ConsistentRead: true }),
    );
    if (!Item) return {};
    const stored = leadItemFrom(Item);
    return this.isLive(Item) ? { live: currentLead(stored), item: stored, version: stored.version } : { version: stored.version };
  }

  private isLive(item: Item): boolean {
    return typeof item.expiresAt === 'number' && item.expiresAt > toEpochSeconds(this.clock());
  }

  /**
   * Newest listed `lastSeenAt` first, from the site's index partition, with the figures as listed (less than
   * LIST_REFRESH_MS behind the lead's own: domain/leads/listing.ts); never a Scan. `since` and `until` apply to the
   * listed `lastSeenAt`. `startKey` is where the previous page ended (`lastKey`), checked to lie in this site's
   * partition.
   */
  async listLeads(siteId: string, query: LeadListQuery): Promise<{ items: Lead[]; lastKey?: Item }> {
    const { limit, startKey: givenStartKey, keep, ...filters } = query;
    const input = leadQuery(this.tableName, siteId, filters, toEpochSeconds(this.clock()));
    const startKey =
      givenStartKey === undefined
        ? undefined
        : checkStartKey(givenStartKey, LeadStartKeySchema, (key) => key.gsi1pk === keys.siteLeads(siteId) && key.pk.startsWith(`SITE#${siteId}#LEAD#`));
    // An index entry holds the listed figures (its organisation is never stale: a change refreshes it).
    const page = await queryPage(this.doc, input, limit, LEAD_START_KEY, startKey, keep && ((item) => keep(leadItemFrom(item))));
    return { items: page.items.map((item) => toLead(listedOf(leadItemFrom(item)))), ...(page.lastKey ? { lastKey: page.lastKey } : {}) };
  }

  async getLead(siteId: string, leadId: string): Promise<LeadWithVisits | undefined> {
    const items = await this.partition(siteId, leadId);
    const leadItem = items.find((item) => item.sk === 'LEAD');
    if (!leadItem || !this.isLive(leadItem)) return undefined;
    const visits = visitsFromItems(items.filter((item) => typeof item.sk === 'string' && item.sk.startsWith('VISIT#') && this.isLive(item)))
      .map(publicVisit)
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt))
      .slice(0, MAX_VISITS_IN_DETAIL);
    return { ...toLead(currentLead(leadItemFrom(leadItem))), visits };
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
    const rest = items.filter((item) => item.sk !== 'LEAD').map((item) => ({ DeleteRequest: { Key: { pk: item.pk, sk: item.sk } } }));
    for (let i = 0; i < rest.length; i += 25) await this.batchWrite(rest.slice(i, i + 25));
    return existed;
  }

  /**
   * The site's live leads last seen at or after `from`, as the index has them: their id and the range they
   * matched. The index is eventually consistent and holds no `version`: callers re-read candidates with `liveLead`.
   * A lead's listed `lastSeenAt` may be up to LIST_REFRESH_MS behind its own, so entries that much older are read too.
   */
  async leadsSeenSince(siteId: string, from: string): Promise<{ leadId: string; network: string }[]> {
    const listedFrom = new Date(Date.parse(from) - LIST_REFRESH_MS).toISOString();
    const entries = await queryAll(this.doc, {
      TableName: this.tableName,
      IndexName: LEADS_BY_LAST_SEEN_INDEX,
      KeyConditionExpression: 'gsi1pk = :site AND gsi1sk >= :from',
      FilterExpression: 'expiresAt > :now',
      ProjectionExpression: 'pk, gsi1sk, #match',
      ExpressionAttributeNames: { '#match': 'match' },
      ExpressionAttributeValues: { ':site': keys.siteLeads(siteId), ':from': listedFrom, ':now': toEpochSeconds(this.clock()) },
    });
    return entries.flatMap(({ pk, gsi1sk, match }) => {
      const leadId = leadKeyParts(pk, gsi1sk)?.leadId;
      const network = (match as Partial<StoredLead['match']> | undefined)?.network;
      return leadId !== undefined && typeof network === 'string' ? [{ leadId, network }] : [];
    });
  }

  /** The lead item as the table holds it now (consistent read), or undefined when it is gone or expired. */
  async liveLead(siteId: string, leadId: string): Promise<StoredLead | undefined> {
    return (await this.readStoredLead(siteId, leadId)).live;
  }

  /** The lead's live visits as the API shows them (newest first, at most 100), read without the lead item (exports). */
  async publicVisits(siteId: string, leadId: string): Promise<Visit[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :visit)',
      FilterExpression: 'expiresAt > :now',
      ExpressionAttributeValues: { ':pk': keys.leadPartition(siteId, leadId), ':visit': 'VISIT#', ':now': toEpochSeconds(this.clock()) },
    });
    return visitsFromItems(items)
      .map(publicVisit)
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt))
      .slice(0, MAX_VISITS_IN_DETAIL);
  }

  /** The lead's live visits, merged from their parts. */
  async liveVisits(siteId: string, leadId: string): Promise<StoredVisit[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :visit)',
      FilterExpression: 'expiresAt > :now',
      ExpressionAttributeValues: { ':pk': keys.leadPartition(siteId, leadId), ':visit': 'VISIT#', ':now': toEpochSeconds(this.clock()) },
      ConsistentRead: true,
    });
    return visitsFromItems(items);
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

const LEAD_START_KEY = ['pk', 'sk', 'gsi1pk', 'gsi1sk'] as const;
const LeadStartKeySchema = z.strictObject({ pk: z.string(), sk: z.string(), gsi1pk: z.string(), gsi1sk: z.string() });

/** The list's filters and page size, where the previous page ended, and which leads to leave out. */
export type LeadListQuery = Omit<ListLeadsQuery, 'cursor'> & {
  readonly startKey?: unknown;
  readonly keep?: (lead: Pick<StoredLead, 'leadId' | 'organisation'>) => boolean;
};
