import { createHash } from 'node:crypto';
import type { Lead, Location, Match, Organisation, TrackedEvent, Visit } from '../../contracts/api/schemas';
import type { Retention } from '../../contracts/deployment-config';
import { toEpochSeconds } from '../../contracts/table';

/**
 * Lead aggregation, pure: given the stored lead (if any) and one queued request (one visitor, one network),
 * compute the new lead and the change to the visit. No I/O here, so every rule is unit-testable.
 */

/** A visit ends after 30 minutes without a page view, as in most web analytics. */
export const VISIT_TIMEOUT_MS = 30 * 60 * 1000;
/**
 * Bounds the lead item, which is written on every batch that touches the lead and billed per started KB, and its
 * index entry, which holds the counts too and is written twice when the lead moves in the index: the 15 most viewed
 * paths rank the top 10; rarer paths drop out. With 25, paths of realistic length took the index entry past 1 KB.
 */
export const MAX_TRACKED_PATHS = 15;
export const TOP_PAGES = 10;
export const MAX_PAGES_PER_VISIT = 200;

/**
 * An open visit as the lead holds it. The lead is written on every batch that touches it and billed per started
 * KB, and a busy organisation has many open visits, so the entry is compact: short names, epoch seconds, and the
 * event keys as one string.
 */
export interface ActiveVisit {
  /** The visit id. */
  id: string;
  /** Epoch seconds of the visit's last event. */
  at: number;
  /** Page views so far. */
  pages: number;
  /**
   * The `eventKey`s of the events applied to this visit, concatenated: a redelivered event is recognised here, on
   * the item that is read and written anyway, so deduplication costs no write of its own. Kept while the visit is
   * open, which outlasts SQS redelivery (receive limit × visibility timeout) by far.
   */
  keys: string;
}

/** An open visit as leads written before version 0.2 held it, under the full pseudonym. */
interface LegacyActiveVisit {
  visitId: string;
  lastAt: string;
  pageCount: number;
  eventKeys?: string[];
}

/**
 * The key of a visitor's open visit on the lead: 64 bits of the pseudonym, plenty to tell apart the visitors of
 * one organisation within 30 minutes, at a quarter of its size.
 */
export const visitorKey = (visitorId: string): string => visitorId.slice(0, 16);

const EVENT_KEY_LENGTH = 11;
const splitKeys = (keys: string): string[] => Array.from({ length: keys.length / EVENT_KEY_LENGTH }, (_, i) => keys.slice(i * EVENT_KEY_LENGTH, (i + 1) * EVENT_KEY_LENGTH));

/** The lead's open visits, with entries of leads written before version 0.2 converted. */
export function openVisits(lead: StoredLead | undefined): Record<string, ActiveVisit> {
  const visits: Record<string, ActiveVisit> = {};
  for (const [key, entry] of Object.entries((lead?.activeVisits ?? {}) as Record<string, ActiveVisit | LegacyActiveVisit>)) {
    visits[visitorKey(key)] =
      'visitId' in entry
        ? { id: entry.visitId, at: toEpochSeconds(new Date(entry.lastAt)), pages: entry.pageCount, keys: (entry.eventKeys ?? []).join('') }
        : entry;
  }
  return visits;
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
  /** Open visits by `visitorKey`, pruned to the last 30 minutes on every write. */
  activeVisits: Record<string, ActiveVisit>;
  version: number;
  expiresAt: number;
}

/** A page view as stored: `order` keeps the request's order among page views with the same time. */
export type StoredPage = Visit['pages'][number] & { order?: number };

/**
 * What one request adds to its visit, stored as an item of its own (`keys.visitPart`): a put of a small item
 * instead of an update of a visit that grows with every page (DynamoDB bills an update by the larger of the old
 * and the new item). Keyed by the `eventKey` of its first event, so writing it again changes nothing.
 */
export interface VisitPart {
  visitId: string;
  partKey: string;
  visitorId: string;
  referrer?: string;
  /** Page views by `eventKey`: a visit's parts are merged by these keys when read, so an overlap counts once. */
  pages: Record<string, StoredPage>;
  /** Engagement by `eventKey`, kept per visit so that erasing a visit can take it out of the lead. */
  engagement: Record<string, { ms: number; at: string }>;
  location: Location;
  expiresAt: number;
}

export interface Applied {
  /** Undefined when every event was a duplicate: nothing to commit. */
  lead?: StoredLead;
  /** The visit parts of the events applied now: written after the lead, which commits them. */
  parts: VisitPart[];
  /**
   * The visit parts of events the stored lead has applied already. An earlier delivery committed the lead but may
   * have failed before its parts were written; writing them again is harmless, and completes that delivery.
   */
  replays: VisitPart[];
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
  const committed = committedVisits(existing);
  const seen = new Set(committed.keys());
  const ordered = [...requests].sort((a, b) => firstAt(a.events).localeCompare(firstAt(b.events)));
  let lead = existing;
  const parts: VisitPart[] = [];
  const replays: VisitPart[] = [];
  let applied = 0;
  let duplicates = 0;
  for (const request of ordered) {
    const fresh: TrackedEvent[] = [];
    const repeated: TrackedEvent[] = [];
    for (const event of request.events) {
      const key = eventKey(event.id);
      if (!seen.has(key)) {
        seen.add(key);
        fresh.push(event);
      } else if (committed.has(key) && !repeated.some((other) => other.id === event.id)) {
        repeated.push(event);
      }
    }
    duplicates += request.events.length - fresh.length;
    const replayVisit = repeated[0] && committed.get(eventKey(repeated[0].id));
    if (replayVisit) replays.push(visitPart(replayVisit, identified, request.visitorId, repeated, retention));
    if (fresh.length === 0) continue;
    const change = applyEvents(lead, identified, request.visitorId, fresh, retention);
    lead = change.lead;
    applied += fresh.length;
    parts.push(change.part);
  }
  return { ...(applied > 0 && lead ? { lead } : {}), parts, replays, applied, duplicates };
}

/** The visit id of every event the stored lead has applied to a visit that is still open, by `eventKey`. */
function committedVisits(existing: StoredLead | undefined): Map<string, string> {
  const visits = new Map<string, string>();
  for (const visit of Object.values(openVisits(existing))) {
    for (const key of splitKeys(visit.keys)) visits.set(key, visit.id);
  }
  return visits;
}

const firstAt = (events: readonly TrackedEvent[]): string =>
  events.reduce((min, event) => (event.occurredAt && event.occurredAt < min ? event.occurredAt : min), '\uffff');

/** One visitor's events, none of them applied before (see `applyRequests`). */
export function applyEvents(
  existing: StoredLead | undefined,
  identified: Identified & { leadId: string },
  visitorId: string,
  events: readonly TrackedEvent[],
  retention: Retention,
): { lead: StoredLead; part: VisitPart } {
  const sorted = [...events].sort((a, b) => (a.occurredAt ?? '').localeCompare(b.occurredAt ?? ''));
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  if (!first?.occurredAt || !last?.occurredAt) throw new Error('applyEvents needs events with occurredAt');
  const firstAt = first.occurredAt;
  const lastAt = last.occurredAt;

  const activeVisits = pruneActiveVisits(openVisits(existing), firstAt);
  const open = activeVisits[visitorKey(visitorId)];
  const pageviews = sorted.filter((event) => event.type === 'pageview');
  const continues = open !== undefined && open.pages + pageviews.length <= MAX_PAGES_PER_VISIT;
  const visitId = continues ? open.id : visitIdFor(visitorId, first.id);
  const part = visitPart(visitId, identified, visitorId, sorted, retention);
  const lastAtSeconds = toEpochSeconds(new Date(lastAt));
  activeVisits[visitorKey(visitorId)] = {
    id: visitId,
    at: continues ? Math.max(open.at, lastAtSeconds) : lastAtSeconds,
    pages: (continues ? open.pages : 0) + pageviews.length,
    keys: (continues ? open.keys : '') + sorted.map((event) => eventKey(event.id)).join(''),
  };

  const pageCounts = { ...(existing?.pageCounts ?? {}) };
  for (const page of Object.values(part.pages)) pageCounts[page.path] = (pageCounts[page.path] ?? 0) + 1;
  const engagedMs = Object.values(part.engagement).reduce((sum, entry) => sum + entry.ms, 0);
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
  return { lead, part };
}

/** The part of visit `visitId` that `events` (one request's, all of one visitor) make up. */
function visitPart(
  visitId: string,
  identified: Identified,
  visitorId: string,
  events: readonly TrackedEvent[],
  retention: Retention,
): VisitPart {
  // A stable sort: page views with the same time keep the request's order (`order`).
  const sorted = [...events].sort((a, b) => (a.occurredAt ?? '').localeCompare(b.occurredAt ?? ''));
  const first = sorted[0];
  const lastAt = sorted[sorted.length - 1]?.occurredAt;
  if (!first?.occurredAt || !lastAt) throw new Error('visitPart needs events with occurredAt');
  const firstAt = first.occurredAt;
  const pages: Record<string, StoredPage> = {};
  sorted
    .filter((event) => event.type === 'pageview')
    .forEach((event, order) => {
      pages[eventKey(event.id)] = { path: pathOf(event.url), ...(event.title ? { title: event.title } : {}), at: event.occurredAt ?? firstAt, order };
    });
  const engagement: VisitPart['engagement'] = {};
  for (const event of sorted) {
    if (event.type === 'engagement') engagement[eventKey(event.id)] = { ms: event.engagedMs, at: event.occurredAt ?? firstAt };
  }
  const referrer = minimiseReferrer(first.referrer);
  return {
    visitId,
    partKey: eventKey(first.id),
    visitorId,
    ...(referrer ? { referrer } : {}),
    pages,
    engagement,
    location: identified.location,
    expiresAt: toEpochSeconds(new Date(lastAt)) + retention.visitDays * 86_400,
  };
}

const visitIdFor = (visitorId: string, firstEventId: string): string =>
  createHash('sha256').update(`${visitorId}\n${firstEventId}`).digest('hex').slice(0, 24);

function pruneActiveVisits(visits: Record<string, ActiveVisit>, at: string): Record<string, ActiveVisit> {
  const cutoff = toEpochSeconds(new Date(Date.parse(at) - VISIT_TIMEOUT_MS));
  return Object.fromEntries(Object.entries(visits).filter(([, visit]) => visit.at >= cutoff));
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
  /** The keys of the items the visit is stored in: its parts (and, from before parts, a whole visit item). */
  itemKeys: { pk: string; sk: string }[];
}

/**
 * The visits that visit items make up (`VISIT#{visitId}#{partKey}`, and `VISIT#{visitId}` from before parts).
 * Pages and engagement are maps keyed by `eventKey`, merged across a visit's items so that an event stored twice
 * counts once; order, start and end are derived from them, and the referrer and location come from the first part.
 */
export function visitsFromItems(items: readonly Record<string, unknown>[]): StoredVisit[] {
  const byVisit = new Map<string, Record<string, unknown>[]>();
  for (const item of items) {
    const visitId = String(item.sk).split('#')[1] ?? '';
    byVisit.set(visitId, [...(byVisit.get(visitId) ?? []), item]);
  }
  return [...byVisit].map(([visitId, parts]) => {
    const pageMap: Record<string, StoredPage> = {};
    const engagementMap: Record<string, { ms: number; at: string }> = {};
    for (const part of parts) {
      Object.assign(pageMap, part.pages ?? {});
      Object.assign(engagementMap, part.engagement ?? {});
    }
    const pages = Object.values(pageMap).sort(byTime);
    const engagement = Object.values(engagementMap);
    const times = [...pages, ...engagement].map((entry) => entry.at).sort();
    const first = [...parts].sort((a, b) => earliest(a).localeCompare(earliest(b)))[0] ?? {};
    const referrer = typeof first.referrer === 'string' ? first.referrer : undefined;
    return {
      visitId,
      visitorId: String(first.visitorId),
      startedAt: times[0] ?? '',
      endedAt: times[times.length - 1] ?? '',
      ...(referrer ? { referrer } : {}),
      pages: pages.map(({ path, title, at }) => ({ path, ...(title ? { title } : {}), at })),
      engagedMs: engagement.reduce((sum, entry) => sum + entry.ms, 0),
      location: first.location as Location,
      itemKeys: parts.map((part) => ({ pk: String(part.pk), sk: String(part.sk) })),
    };
  });
}

const earliest = (part: Record<string, unknown>): string =>
  [...Object.values((part.pages ?? {}) as Record<string, { at: string }>), ...Object.values((part.engagement ?? {}) as Record<string, { at: string }>)]
    .map((entry) => entry.at)
    .sort()[0] ?? '\uffff';

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
  const activeVisits = Object.fromEntries(Object.entries(openVisits(lead)).filter(([, active]) => !erasedIds.has(active.id)));
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
