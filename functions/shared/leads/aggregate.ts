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
/**
 * Bounds the lead item, which is written on every batch that touches the lead and billed per started KB (and once
 * more in the index): the 25 most viewed paths rank the top 10 well; rarer paths drop out.
 */
export const MAX_TRACKED_PATHS = 25;
export const TOP_PAGES = 10;
export const MAX_PAGES_PER_VISIT = 200;

export interface ActiveVisit {
  visitId: string;
  lastAt: string;
  pageCount: number;
  /**
   * `eventKey`s of the events applied to this visit: a redelivered event is recognised here, on the item that is
   * read and written anyway, so deduplication costs no write of its own. Kept while the visit is open, which
   * outlasts SQS redelivery (receive limit × visibility timeout) by far.
   */
  eventKeys?: string[];
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

/** A page view as stored: `order` keeps the request's order among page views with the same time. */
export type StoredPage = Visit['pages'][number] & { order?: number };

export interface VisitChange {
  visitId: string;
  isNew: boolean;
  visitorId: string;
  startedAt: string;
  endedAt: string;
  referrer?: string;
  /** New page views by `eventKey`: written as map entries, so writing them twice changes nothing. */
  newPages: Record<string, StoredPage>;
  /** Engagement by `eventKey`, kept per visit so that erasing a visit can take it out of the lead. */
  engagement: Record<string, { ms: number; at: string }>;
  location: Location;
  expiresAt: number;
}

export interface Applied {
  /** Undefined when every event was a duplicate: nothing to write. */
  lead?: StoredLead;
  visits: VisitChange[];
  applied: number;
  duplicates: number;
}

/** A short, fixed-size stand-in for a client's event id (any UUID version): 66 bits, enough within one lead. */
export const eventKey = (eventId: string): string => createHash('sha256').update(eventId).digest('base64url').slice(0, 11);

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

/**
 * Applies the queued requests of one lead (one per visitor and request, in any order) to the stored lead.
 * Events already applied, by an earlier delivery or twice in this batch, are counted as duplicates and skipped.
 */
export function applyRequests(
  existing: StoredLead | undefined,
  identified: Identified & { leadId: string },
  requests: readonly { visitorId: string; events: readonly TrackedEvent[] }[],
  retention: Retention,
): Applied {
  const seen = new Set(Object.values(existing?.activeVisits ?? {}).flatMap((visit) => visit.eventKeys ?? []));
  const ordered = [...requests].sort((a, b) => firstAt(a.events).localeCompare(firstAt(b.events)));
  let lead = existing;
  const visits = new Map<string, VisitChange>();
  let applied = 0;
  let duplicates = 0;
  for (const request of ordered) {
    const fresh = request.events.filter((event) => {
      const key = eventKey(event.id);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    duplicates += request.events.length - fresh.length;
    if (fresh.length === 0) continue;
    const change = applyEvents(lead, identified, request.visitorId, fresh, retention);
    lead = change.lead;
    applied += fresh.length;
    const earlier = visits.get(change.visit.visitId);
    visits.set(change.visit.visitId, earlier ? mergeVisitChanges(earlier, change.visit) : change.visit);
  }
  return { ...(applied > 0 && lead ? { lead } : {}), visits: [...visits.values()], applied, duplicates };
}

const firstAt = (events: readonly TrackedEvent[]): string =>
  events.reduce((min, event) => (event.occurredAt && event.occurredAt < min ? event.occurredAt : min), '\uffff');

function mergeVisitChanges(a: VisitChange, b: VisitChange): VisitChange {
  return {
    ...a,
    startedAt: minIso(a.startedAt, b.startedAt),
    endedAt: maxIso(a.endedAt, b.endedAt),
    newPages: { ...a.newPages, ...b.newPages },
    engagement: { ...a.engagement, ...b.engagement },
    expiresAt: Math.max(a.expiresAt, b.expiresAt),
  };
}

/** One visitor's events, none of them applied before (see `applyRequests`). */
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
  const newPages: Record<string, StoredPage> = {};
  pageviews.forEach((event, order) => {
    newPages[eventKey(event.id)] = { path: pathOf(event.url), ...(event.title ? { title: event.title } : {}), at: event.occurredAt ?? firstAt, order };
  });
  const engagement: VisitChange['engagement'] = {};
  for (const event of sorted) {
    if (event.type === 'engagement') engagement[eventKey(event.id)] = { ms: event.engagedMs, at: event.occurredAt ?? firstAt };
  }
  const visitEndedAt = continues ? maxIso(open.lastAt, lastAt) : lastAt;
  activeVisits[visitorId] = {
    visitId,
    lastAt: visitEndedAt,
    pageCount: (continues ? open.pageCount : 0) + pageviews.length,
    eventKeys: [...(continues ? (open.eventKeys ?? []) : []), ...sorted.map((event) => eventKey(event.id))],
  };

  const pageCounts = { ...(existing?.pageCounts ?? {}) };
  for (const page of Object.values(newPages)) pageCounts[page.path] = (pageCounts[page.path] ?? 0) + 1;
  const engagedMs = Object.values(engagement).reduce((sum, entry) => sum + entry.ms, 0);
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
    pageviews: (existing?.pageviews ?? 0) + pageviews.length,
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
    engagement,
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
  referrer?: string;
  pages: StoredPage[];
  engagedMs: number;
  location: Location;
}

/**
 * A visit item as the code reads it. Pages and engagement are stored as maps keyed by `eventKey` (so that a
 * repeated write is a no-op); their order and the visit's start and end are derived from them here.
 */
export function visitFromItem(item: Record<string, unknown>): StoredVisit {
  const pages = Object.values((item.pages ?? {}) as Record<string, StoredPage>).sort(byTime);
  const engagement = Object.values((item.engagement ?? {}) as Record<string, { ms: number; at: string }>);
  const times = [...pages, ...engagement].map((entry) => entry.at).sort();
  const referrer = typeof item.referrer === 'string' ? item.referrer : undefined;
  return {
    visitId: String(item.visitId),
    visitorId: String(item.visitorId),
    startedAt: times[0] ?? String(item.startedAt),
    endedAt: times[times.length - 1] ?? String(item.startedAt),
    ...(referrer ? { referrer } : {}),
    pages: pages.map(({ path, title, at }) => ({ path, ...(title ? { title } : {}), at })),
    engagedMs: engagement.reduce((sum, entry) => sum + entry.ms, 0),
    location: item.location as Location,
  };
}

export function publicVisit({ visitId, startedAt, endedAt, referrer, pages, location }: StoredVisit): Visit {
  return { visitId, startedAt, endedAt, ...(referrer ? { referrer } : {}), pages, location };
}

const byTime = (a: StoredPage, b: StoredPage): number => a.at.localeCompare(b.at) || (a.order ?? 0) - (b.order ?? 0);

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
    engagedMs: Math.max(0, lead.engagedMs - erased.reduce((sum, visit) => sum + visit.engagedMs, 0)),
    pageCounts,
    activeVisits,
    // Older visits may have expired already; the remaining live ones are the best evidence left.
    firstSeenAt: seen[0] ?? lead.firstSeenAt,
    lastSeenAt,
    version: lead.version + 1,
    expiresAt: toEpochSeconds(new Date(lastSeenAt)) + retention.leadDays * 86_400,
  };
}
