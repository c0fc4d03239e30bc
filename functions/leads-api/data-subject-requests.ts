import { setTimeout as sleep } from 'node:timers/promises';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AccessRequest, AccessResult, ErasureRequest, ErasureResult } from '../contracts/api/privacy';
import type { Retention } from '../contracts/deployment-config';
import { LeadErasure, type VisitErasure } from '../adapters/dynamodb/lead-erasure';
import { LeadStore } from '../adapters/dynamodb/lead-store';
import { withoutVisits } from '../domain/leads/erasure';
import type { StoredVisit } from '../domain/leads/model';
import { publicVisit, toLead } from '../domain/leads/views';
import { isSubjectVisit, NOT_STORED, rangeContains } from '../domain/privacy/data-subject';
import { parseIp, truncateIp } from '../domain/privacy/network';
import { utcDay, visitorPseudonym } from '../domain/privacy/pseudonym';

/** Reads a past day's salt while it exists (DailySaltStore.existing). */
export interface SaltReader {
  existing(day: string): Promise<Uint8Array | undefined>;
}

/**
 * Data-subject requests by address and time window (GDPR Art. 15 and 17). Eirlead stores no addresses, so it
 * matches what could stem from one: the visits, in the window, from the subject's own truncated network (/24, /48,
 * kept on every visit part), narrowed to the subject's own pseudonym on days whose salt still exists and when the
 * User-Agent is known. After a salt is destroyed nobody can tell the subject's visits from those of colleagues in
 * the same /24. Candidate leads are those whose matched range holds the address.
 */
export class DataSubjectRequests {
  private readonly leads: LeadStore;
  private readonly erasure: LeadErasure;

  constructor(
    doc: DynamoDBDocumentClient,
    tableName: string,
    private readonly salts: SaltReader,
    private readonly retention: Retention,
    clock: () => Date = () => new Date(),
  ) {
    this.leads = new LeadStore(doc, tableName, retention, clock);
    this.erasure = new LeadErasure(doc, tableName, retention);
  }

  async access(siteId: string, query: AccessRequest): Promise<AccessResult> {
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
          await this.erasure.eraseVisits(match);
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

  private async match(siteId: string, subject: AccessRequest): Promise<{ matches: VisitErasure[]; matching: AccessResult['matching'] }> {
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

    const matches: VisitErasure[] = [];
    // Leads last seen before `from` cannot hold visits in the window. The index only finds candidates: each is
    // read again consistently, and its `match` (the latest request's, newer than the index entry's) decides.
    for (const candidate of await this.leads.leadsSeenSince(siteId, from)) {
      if (!rangeContains(candidate.network, address)) continue;
      const lead = await this.leads.liveLead(siteId, candidate.leadId);
      if (!lead || !rangeContains(lead.match.network, address)) continue;
      const erased: StoredVisit[] = [];
      const remaining: StoredVisit[] = [];
      for (const visit of await this.leads.liveVisits(siteId, lead.leadId)) {
        const day = utcDay(new Date(visit.startedAt));
        // The salt is read only for visits that could be the subject's otherwise.
        const candidate = isSubjectVisit(visit, { network, from, to });
        const pseudonym = candidate ? await pseudonymOn(day) : undefined;
        if (pseudonym !== undefined) narrowedByPseudonym.add(day);
        (isSubjectVisit(visit, { network, from, to, ...(pseudonym ? { pseudonym } : {}) }) ? erased : remaining).push(visit);
      }
      matches.push({ lead, erased, remaining });
    }
    return { matches, matching: { network, narrowedByPseudonym: [...narrowedByPseudonym].sort() } };
  }
}
