import { createHash } from 'node:crypto';
import type { Lead, Location, Match, Organisation, TrackedEvent, Visit } from '../api-schemas';
import type { Retention } from '../config';
import { toEpochSeconds } from '../table';

/**
 * Lead aggregation, pure: given the stored lead (if any) and one queued request (one visitor, one network),
 * compute the new lead and the change to the visit. No I/O here, so every rule is unit-testable.
 */

/** A visit ends after 30 minutes without a page view, as in most web analytics. */
export const VISIT_TIMEOUT_MS = 30 * 60 * 1000;
/** Bounds the lead item (DynamoDB items are at most 400 KB): extra paths fold into the least-viewed ones. */
export const MAX_TRACKED_PATHS = 100;
export const TOP_PAGES = 10;
export const MAX_PAGES_PER_VISIT = 200;

export interface ActiveVisit {
  visitId: string;
  lastAt: string;
  pageCount: number;
}

export interface StoredLead {
  leadId: string;
  siteId: string;
  organisation: Organisation;
  match: Match;
  location: Location;
  firstSeenAt: string;
  lastSeenAt: string;
  visits: number;
  pageviews: number;
  engagedMs: number;
  pageCounts: Record<string, number>;
  /** Open visits by visitor pseudonym, pruned to the last 30 minutes on every write. */
  activeVisits: Record<string, ActiveVisit>;
  version: number;
  expiresAt: number;
}

export interface VisitChange {
  visitId: string;
  isNew: boolean;
  visitorId: string;
  startedAt: string;
  endedAt: string;
  referrer?: string;
  newPages: Visit['pages'];
  /** Engagement of these events, kept per visit so that erasing a visit can take it out of the lead. */
  engagedMs: number;
  location: Location;
  expiresAt: number;
}

export interface Identified {
  siteId: string;
  organisation: Organisation;
  match: Match;
  location: Location;
}

export const leadIdFor = (siteId: string, organisationKey: string): string =>
  createHash('sha256').update(`${siteId}\n${organisationKey}`).digest('hex').slice(0, 24);

/** Only the path: query strings and fragments carry e-mail addresses, tokens and campaign ids of persons. */
export function pathOf(url: string): string {
  return new URL(url).pathname.slice(0, 512);
}

/** Only scheme, host and path of the referrer, for the same reason. */
export function minimiseReferrer(referrer: string | undefined): string | undefined {
  if (!referrer) return undefined;
  const url = new URL(referrer);
  return `${url.protocol}//${url.host}${url.pathname}`.slice(0, 512);
}

export function applyEvents(
  existing: StoredLead | undefined,
  identified: Identified & { leadId: string },
  visitorId: string,
  events: readonly TrackedEvent[],
  retention: Retention,
): { lead: StoredLead; visit: VisitChange } {
  const sorted = [...events].sort((a, b) => (a.occurredAt ?? '').localeCompare(b.occurredAt ?? ''));
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  if (!first?.occurredAt || !last?.occurredAt) throw new Error('applyEvents needs events with occurredAt');
  const firstAt = first.occurredAt;
  const lastAt = last.occurredAt;

  const activeVisits = pruneActiveVisits(existing?.activeVisits ?? {}, firstAt);
  const open = activeVisits[visitorId];
  const pageviews = sorted.filter((event) => event.type === 'pageview');
  const continues = open !== undefined && open.pageCount + pageviews.length <= MAX_PAGES_PER_VISIT;
  const visitId = continues ? open.visitId : visitIdFor(visitorId, first.id);
  const newPages = pageviews.map((event) => ({
    path: pathOf(event.url),
    ...(event.title ? { title: event.title } : {}),
    at: event.occurredAt ?? firstAt,
  }));
  const visitEndedAt = continues ? maxIso(open.lastAt, lastAt) : lastAt;
  activeVisits[visitorId] = {
    visitId,
    lastAt: visitEndedAt,
    pageCount: (continues ? open.pageCount : 0) + newPages.length,
  };

  const pageCounts = { ...(existing?.pageCounts ?? {}) };
  for (const page of newPages) pageCounts[page.path] = (pageCounts[page.path] ?? 0) + 1;
  const engagedMs = sorted.reduce((sum, event) => sum + (event.type === 'engagement' ? event.engagedMs : 0), 0);
  const lastSeenAt = maxIso(existing?.lastSeenAt, lastAt);

  const lead: StoredLead = {
    leadId: identified.leadId,
    siteId: identified.siteId,
    organisation: identified.organisation,
    match: identified.match,
    location: identified.location,
    firstSeenAt: existing ? minIso(existing.firstSeenAt, firstAt) : firstAt,
    lastSeenAt,
    visits: (existing?.visits ?? 0) + (continues ? 0 : 1),
    pageviews: (existing?.pageviews ?? 0) + newPages.length,
    engagedMs: (existing?.engagedMs ?? 0) + engagedMs,
    pageCounts: capPaths(pageCounts),
    activeVisits,
    version: (existing?.version ?? 0) + 1,
    expiresAt: toEpochSeconds(new Date(lastSeenAt)) + retention.leadDays * 86_400,
  };
  const referrer = minimiseReferrer(first.referrer);
  const visit: VisitChange = {
    visitId,
    isNew: !continues,
    visitorId,
    startedAt: firstAt,
    endedAt: visitEndedAt,
    ...(referrer ? { referrer } : {}),
    newPages,
    engagedMs,
    location: identified.location,
    expiresAt: toEpochSeconds(new Date(visitEndedAt)) + retention.visitDays * 86_400,
  };
  return { lead, visit };
}

const visitIdFor = (visitorId: string, firstEventId: string): string =>
  createHash('sha256').update(`${visitorId}\n${firstEventId}`).digest('hex').slice(0, 24);

function pruneActiveVisits(visits: Record<string, ActiveVisit>, at: string): Record<string, ActiveVisit> {
  const cutoff = Date.parse(at) - VISIT_TIMEOUT_MS;
  return Object.fromEntries(Object.entries(visits).filter(([, visit]) => Date.parse(visit.lastAt) >= cutoff));
}

function capPaths(pageCounts: Record<string, number>): Record<string, number> {
  const entries = Object.entries(pageCounts);
  if (entries.length <= MAX_TRACKED_PATHS) return pageCounts;
  return Object.fromEntries(rankPaths(entries).slice(0, MAX_TRACKED_PATHS));
}

const rankPaths = (entries: [string, number][]) =>
  entries.sort(([pathA, viewsA], [pathB, viewsB]) => viewsB - viewsA || pathA.localeCompare(pathB));

const maxIso = (a: string | undefined, b: string): string => (a !== undefined && a > b ? a : b);
const minIso = (a: string, b: string): string => (a < b ? a : b);

/** The public view of a stored lead. */
export function toLead(stored: StoredLead): Lead {
  return {
    leadId: stored.leadId,
    siteId: stored.siteId,
    organisation: stored.organisation,
    match: stored.match,
    location: stored.location,
    firstSeenAt: stored.firstSeenAt,
    lastSeenAt: stored.lastSeenAt,
    visits: stored.visits,
    pageviews: stored.pageviews,
    engagedSeconds: Math.round(stored.engagedMs / 1000),
    topPages: rankPaths(Object.entries(stored.pageCounts))
      .slice(0, TOP_PAGES)
      .map(([path, views]) => ({ path, views })),
    expiresAt: new Date(stored.expiresAt * 1000).toISOString(),
  };
}

export interface StoredVisit {
  visitId: string;
  visitorId: string;
  startedAt: string;
  endedAt: string;
  pages: Visit['pages'];
  engagedMs?: number;
}

/**
 * The lead without the given visits (erasure): counts, page views, engagement and page counts go down by what
 * those visits added. Returns undefined when no visit is left, so the lead itself must go.
 */
export function withoutVisits(
  lead: StoredLead,
  erased: readonly StoredVisit[],
  remaining: readonly StoredVisit[],
  retention: Retention,
): StoredLead | undefined {
  if (erased.length === 0) return lead;
  if (remaining.length === 0 && lead.visits <= erased.length) return undefined;
  const pageCounts = { ...lead.pageCounts };
  for (const page of erased.flatMap((visit) => visit.pages)) {
    const views = (pageCounts[page.path] ?? 0) - 1;
    if (views > 0) pageCounts[page.path] = views;
    else delete pageCounts[page.path];
  }
  const erasedIds = new Set(erased.map((visit) => visit.visitId));
  const activeVisits = Object.fromEntries(Object.entries(lead.activeVisits).filter(([, active]) => !erasedIds.has(active.visitId)));
  const seen = remaining.flatMap((visit) => [visit.startedAt, visit.endedAt]).sort();
  const lastSeenAt = seen[seen.length - 1] ?? lead.lastSeenAt;
  return {
    ...lead,
    visits: Math.max(0, lead.visits - erased.length),
    pageviews: Math.max(0, lead.pageviews - erased.reduce((sum, visit) => sum + visit.pages.length, 0)),
    engagedMs: Math.max(0, lead.engagedMs - erased.reduce((sum, visit) => sum + (visit.engagedMs ?? 0), 0)),
    pageCounts,
    activeVisits,
    // Older visits may have expired already; the remaining live ones are the best evidence left.
    firstSeenAt: seen[0] ?? lead.firstSeenAt,
    lastSeenAt,
    version: lead.version + 1,
    expiresAt: toEpochSeconds(new Date(lastSeenAt)) + retention.leadDays * 86_400,
  };
}
