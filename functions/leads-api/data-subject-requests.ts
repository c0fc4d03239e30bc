import { setTimeout as sleep } from 'node:timers/promises';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import ipaddr from 'ipaddr.js';
import type { Retention } from '../contracts/deployment-config';
import type { AccessQuery, AccessResult, ErasureRequest, ErasureResult } from '../contracts/api/privacy';
import { utcDay } from '../adapters/dynamodb/daily-salt-store';
import { parseIp, truncateIp } from '../domain/privacy/network';
import { visitorPseudonym } from '../domain/privacy/pseudonym';
import { queryAll } from '../adapters/dynamodb/query';
import { keys, LEADS_BY_LAST_SEEN_INDEX, toEpochSeconds } from '../contracts/table';
import { publicVisit, type StoredLead, type StoredVisit, toLead, visitsFromItems, withoutVisits } from '../domain/leads/aggregate';

/** Reads a past day's salt while it exists (DailySaltStore.existing). */
export interface SaltReader {
  existing(day: string): Promise<Uint8Array | undefined>;
}

/** What Eirlead never stores, so an access request can say so rather than stay silent. */
export const NOT_STORED = [
  { data: 'full IP address', reason: 'truncated to /24 (IPv4) or /48 (IPv6) in the ingest function before anything is queued' },
  { data: 'User-Agent', reason: 'used only to compute the daily visitor pseudonym, then discarded' },
  { data: 'cookies or device identifiers', reason: 'the snippet sets none' },
  { data: 'page query strings and fragments', reason: 'only URL paths are stored' },
  { data: 'e-mail addresses', reason: 'form events carry the domain only; free-mail domains are discarded' },
] as const;

interface Match {
  lead: StoredLead;
  erased: StoredVisit[];
  remaining: StoredVisit[];
}

/**
 * Data-subject requests by address and time window (GDPR Art. 15 and 17). Eirlead stores no addresses, so it
 * matches what could stem from one: the visits, in the window, of every lead whose matched range holds the
 * address, narrowed to the subject's own pseudonym on days whose salt still exists and when the User-Agent is
 * known. After a salt is destroyed nobody can tell the subject's visits from colleagues' in the same network.
 */
export class DataSubjectRequests {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly salts: SaltReader,
    private readonly retention: Retention,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async access(siteId: string, query: AccessQuery): Promise<AccessResult> {
    const { matches, matching } = await this.match(siteId, query);
    return {
      matching,
      leads: matches
        .filter((match) => match.erased.length > 0)
        .map((match) => ({ ...toLead(match.lead), visits: match.erased.map(publicVisit) })),
      notStored: [...NOT_STORED],
    };
  }

  async erase(siteId: string, request: ErasureRequest): Promise<ErasureResult> {
    for (let attempt = 1; ; attempt++) {
      // Counted afresh on every attempt: what an interrupted attempt erased is gone and not matched again.
      const result: ErasureResult['erased'] = { visits: 0, pageviews: 0, leadsDeleted: [], leadsUpdated: [] };
      const { matches, matching } = await this.match(siteId, request);
      try {
        for (const match of matches.filter((candidate) => candidate.erased.length > 0)) {
          await this.eraseFromLead(match);
          result.visits += match.erased.length;
          result.pageviews += match.erased.reduce((sum, visit) => sum + visit.pages.length, 0);
          const left = withoutVisits(match.lead, match.erased, match.remaining, this.retention);
          (left ? result.leadsUpdated : result.leadsDeleted).push(match.lead.leadId);
        }
        return { matching, erased: result };
      } catch (error) {
        // A visit recorded concurrently changed the lead: match again and erase what is left.
        if (!(error instanceof TransactionCanceledException) || attempt >= 5) throw error;
        await sleep(Math.random() * 50 * 2 ** attempt);
      }
    }
  }

  private async match(siteId: string, subject: AccessQuery): Promise<{ matches: Match[]; matching: AccessResult['matching'] }> {
    const address = parseIp(subject.ip);
    const network = truncateIp(subject.ip);
    if (!address || !network) throw new Error('match() needs a validated IP address');
    const from = new Date(subject.from).toISOString();
    const to = new Date(subject.to).toISOString();
    const narrowedByPseudonym = new Set<string>();
    const pseudonyms = new Map<string, string | undefined>();
    const pseudonymOn = async (day: string): Promise<string | undefined> => {
      if (!subject.userAgent) return undefined;
      if (!pseudonyms.has(day)) {
        const salt = await this.salts.existing(day);
        pseudonyms.set(day, salt ? visitorPseudonym(salt, subject.ip, subject.userAgent, siteId) : undefined);
      }
      return pseudonyms.get(day);
    };

    const matches: Match[] = [];
    for (const lead of await this.leadsSeenSince(siteId, from, address)) {
      const visits = await this.visitsOf(siteId, lead.leadId);
      const erased: StoredVisit[] = [];
      const remaining: StoredVisit[] = [];
      for (const visit of visits) {
        let inScope = visit.startedAt < to && visit.endedAt >= from;
        if (inScope) {
          const day = utcDay(new Date(visit.startedAt));
          const pseudonym = await pseudonymOn(day);
          if (pseudonym !== undefined) {
            narrowedByPseudonym.add(day);
            inScope = visit.visitorId === pseudonym;
          }
        }
        (inScope ? erased : remaining).push(visit);
      }
      matches.push({ lead, erased, remaining });
    }
    return { matches, matching: { network, narrowedByPseudonym: [...narrowedByPseudonym].sort() } };
  }

  /**
   * The site's live leads last seen at or after `from` (earlier leads cannot hold visits in the window) whose
   * matched range holds the address. The index only finds the candidates: its entries lack `version` and
   * `activeVisits`, and are eventually consistent, so each candidate's lead item is read consistently; the
   * erasure's version guard then rests on what the table holds now.
   */
  private async leadsSeenSince(siteId: string, from: string, address: ipaddr.IPv4 | ipaddr.IPv6): Promise<StoredLead[]> {
    const now = toEpochSeconds(this.clock());
    const entries = await queryAll(this.doc, {
      TableName: this.tableName,
      IndexName: LEADS_BY_LAST_SEEN_INDEX,
      KeyConditionExpression: 'gsi1pk = :site AND gsi1sk >= :from',
      FilterExpression: 'expiresAt > :now',
      ProjectionExpression: 'leadId, #match',
      ExpressionAttributeNames: { '#match': 'match' },
      ExpressionAttributeValues: { ':site': keys.siteLeads(siteId), ':from': from, ':now': now },
    });
    const candidates = entries.flatMap(({ leadId, match }) => {
      const network = (match as Partial<StoredLead['match']> | undefined)?.network;
      return typeof leadId === 'string' && typeof network === 'string' && rangeContains(network, address) ? [leadId] : [];
    });
    const leads: StoredLead[] = [];
    for (const leadId of candidates) {
      const { Item } = await this.doc.send(
        new GetCommand({ TableName: this.tableName, Key: keys.lead(siteId, leadId), ConsistentRead: true }),
      );
      // Gone or expired since the index was read: nothing of it is left to match.
      if (!Item || typeof Item.expiresAt !== 'number' || Item.expiresAt <= now) continue;
      const lead = Item as unknown as StoredLead;
      // `match` is the latest request's, so the index entry may hold an older one: the item decides.
      if (rangeContains(lead.match.network, address)) leads.push(lead);
    }
    return leads;
  }

  private async visitsOf(siteId: string, leadId: string): Promise<StoredVisit[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :visit)',
      FilterExpression: 'expiresAt > :now',
      ExpressionAttributeValues: { ':pk': keys.leadPartition(siteId, leadId), ':visit': 'VISIT#', ':now': toEpochSeconds(this.clock()) },
      ConsistentRead: true,
    });
    return visitsFromItems(items);
  }

  /**
   * Transactions of up to 100 items: the items of whole visits, with the lead's new state guarded by its
   * version, so the lead never counts a visit that is gone or misses one that is left. A visit stored in more
   * than 99 parts loses its first parts on their own; the lead changes with its last ones.
   */
  private async eraseFromLead({ lead, erased, remaining }: Match): Promise<void> {
    const leadKey = keys.lead(lead.siteId, lead.leadId);
    let current = lead;
    let chunk: StoredVisit[] = [];
    let itemKeys: StoredVisit['itemKeys'] = [];
    const commit = async (rest: readonly StoredVisit[]): Promise<StoredLead | undefined> => {
      const next = withoutVisits(current, chunk, [...rest, ...remaining], this.retention);
      const guard = { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': current.version } };
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            ...itemKeys.map((key) => ({ Delete: { TableName: this.tableName, Key: key } })),
            next
              ? { Put: { TableName: this.tableName, Item: { ...leadKey, ...keys.leadIndex(lead.siteId, next.lastSeenAt, lead.leadId), ...storedFields(next) }, ...guard } }
              : { Delete: { TableName: this.tableName, Key: leadKey, ...guard } },
          ],
        }),
      );
      chunk = [];
      itemKeys = [];
      return next;
    };
    for (const [index, visit] of erased.entries()) {
      let keysLeft = visit.itemKeys;
      if (itemKeys.length + keysLeft.length > TRANSACTION_DELETES && chunk.length > 0) {
        const next = await commit(erased.slice(index));
        if (!next) return;
        current = next;
      }
      while (keysLeft.length > TRANSACTION_DELETES) {
        await this.doc.send(
          new TransactWriteCommand({ TransactItems: keysLeft.slice(0, TRANSACTION_DELETES).map((key) => ({ Delete: { TableName: this.tableName, Key: key } })) }),
        );
        keysLeft = keysLeft.slice(TRANSACTION_DELETES);
      }
      chunk.push(visit);
      itemKeys.push(...keysLeft);
    }
    if (chunk.length > 0) await commit([]);
  }
}

/** A transaction holds 100 items: the deletes of visit items, and the lead. */
const TRANSACTION_DELETES = 99;

/** Only the lead's own attributes, without the keys a read brought along. */
function storedFields(lead: StoredLead): StoredLead {
  const { leadId, siteId, organisation, match, location, firstSeenAt, lastSeenAt, visits, pageviews, engagedMs, pageCounts, activeVisits, version, expiresAt } = lead;
  return { leadId, siteId, organisation, match, location, firstSeenAt, lastSeenAt, visits, pageviews, engagedMs, pageCounts, activeVisits, version, expiresAt };
}

/** Does a match range (`a.b.c.d/n` or `first-last`) hold the address? */
export function rangeContains(range: string, address: ipaddr.IPv4 | ipaddr.IPv6): boolean {
  try {
    if (range.includes('/')) {
      const [base, bits] = ipaddr.parseCIDR(range);
      return base.kind() === address.kind() && address.match(base, bits);
    }
    const [first, last] = range.split('-').map((part) => ipaddr.parse(part.trim()));
    if (!first || !last || first.kind() !== address.kind()) return false;
    const value = bytesToBigInt(address.toByteArray());
    return bytesToBigInt(first.toByteArray()) <= value && value <= bytesToBigInt(last.toByteArray());
  } catch {
    return false;
  }
}

const bytesToBigInt = (bytes: number[]): bigint => bytes.reduce((sum, byte) => (sum << 8n) | BigInt(byte), 0n);
