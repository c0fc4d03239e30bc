import type { QueuedEvent } from '../../contracts/queue-message';
import { type BehaviourLimits, DEFAULT_BEHAVIOUR_LIMITS, type Retention } from '../../contracts/deployment-config';
import { toEpochSeconds } from '../../contracts/table';
import {
  type ActiveVisit,
  blockedUntil,
  dedupKey,
  eventKey,
  eventKeyCount,
  eventKeysOf,
  type Identified,
  MAX_EVENT_KEYS_PER_VISIT,
  MAX_LAST_PATHS,
  MAX_OPEN_EVENT_KEYS,
  MAX_OPEN_VISITS,
  MAX_PAGES_PER_VISIT,
  MAX_TRACKED_PATHS,
  type StoredLead,
  type StoredPage,
  VISIT_TIMEOUT_MS,
  type VisitPart,
  visitIdFor,
  visitorKey,
} from './model';
import { openVisits, packOpenVisits } from './open-visits';
import { type BehaviourDrop, blockUntil, judgeBehaviour, nextBehaviour } from './behaviour';
import { rankPaths } from './views';

/**
 * Lead aggregation, pure: given the stored lead (if any) and the queued requests of one lead (one visitor and
 * network each), compute the new lead and the visit parts to write. No I/O here, so every rule is unit-testable.
 */

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
  /**
   * Events dropped, by reason: `visit-limit` (engagement and form events beyond a full visit's bound,
   * MAX_EVENT_KEYS_PER_VISIT), `bot-behaviour` and `short-visit` (behaviour.ts).
   */
  dropped: Partial<Record<DropReason, number>>;
}

export type DropReason = 'visit-limit' | BehaviourDrop;

/** One queued request of a lead: one visitor, from one truncated network. */
export interface LeadRequest {
  readonly visitorId: string;
  readonly network: string;
  readonly events: readonly QueuedEvent[];
}

/**
 * Applies the queued requests of one lead (one per visitor and request, in any order) to the stored lead.
 * Events already applied, by an earlier delivery or twice in this batch, are counted as duplicates and skipped.
 */
export function applyRequests(
  existing: StoredLead | undefined,
  identified: Identified & { leadId: string },
  requests: readonly LeadRequest[],
  retention: Retention,
  limits: BehaviourLimits = DEFAULT_BEHAVIOUR_LIMITS,
): Applied {
  const committed = committedVisits(existing);
  const seen = new Set(committed.keys());
  const ordered = [...requests].sort((a, b) => firstAt(a.events).localeCompare(firstAt(b.events)));
  let lead = existing;
  const parts: VisitPart[] = [];
  const replays: VisitPart[] = [];
  let applied = 0;
  let duplicates = 0;
  let changed = false;
  const dropped: Applied['dropped'] = {};
  const drop = (reason: DropReason, count: number) => (dropped[reason] = (dropped[reason] ?? 0) + count);
  const lastPaths = new Set<string>();
  for (const request of ordered) {
    const fresh: QueuedEvent[] = [];
    const repeated: QueuedEvent[] = [];
    for (const event of request.events) {
      const key = dedupKey(event.id);
      if (!seen.has(key)) {
        seen.add(key);
        fresh.push(event);
      } else if (committed.has(key) && !repeated.some((other) => other.id === event.id)) {
        repeated.push(event);
      }
    }
    duplicates += request.events.length - fresh.length;
    const replayVisit = repeated[0] && committed.get(dedupKey(repeated[0].id));
    if (replayVisit) replays.push(visitPart(replayVisit, identified, request, repeated, retention));
    if (fresh.length === 0) continue;
    const at = firstAt(fresh);
    if (blockedUntil(lead, request.visitorId) > toEpochSeconds(new Date(at))) {
      drop('bot-behaviour', fresh.length);
      continue;
    }
    if (isBeyondFullVisit(lead, request.visitorId, fresh)) {
      drop('visit-limit', fresh.length);
      continue;
    }
    const verdict = judgeBehaviour(pruneActiveVisits(openVisits(lead), at)[visitorKey(request.visitorId)], fresh, limits);
    if (verdict) {
      drop(verdict.reason, fresh.length);
      // The block is stored on the lead, so the visitor's later requests are dropped too; it needs a lead to hold it.
      if (verdict.block && lead) {
        lead = withBlockedVisitor(lead, visitorKey(request.visitorId), blockUntil(at));
        changed = true;
      }
      continue;
    }
    const change = applyEvents(lead, identified, request, fresh, retention);
    lead = change.lead;
    applied += fresh.length;
    parts.push(change.part);
    for (const page of Object.values(change.part.pages)) if (lastPaths.size < MAX_LAST_PATHS) lastPaths.add(page.path);
  }
  const written = (applied > 0 || changed) && lead ? withLastPaths(lead, [...lastPaths]) : undefined;
  return { ...(written ? { lead: written } : {}), parts, replays, applied, duplicates, dropped };
}

/** The lead with the paths this write applied, and without the previous write's. */
function withLastPaths(lead: StoredLead, paths: string[]): StoredLead {
  const { lastPaths: _previous, ...rest } = lead;
  return paths.length > 0 ? { ...rest, lastPaths: paths } : rest;
}

/** The lead with one more blocked visitor-day, expired blocks pruned and at most MAX_OPEN_VISITS kept (the newest). */
function withBlockedVisitor(lead: StoredLead, key: string, until: number): StoredLead {
  const now = until - 25 * 3600;
  const blocked = Object.entries({ ...(lead.blocked ?? {}), [key]: until })
    .filter(([, end]) => end > now)
    .sort(([, a], [, b]) => b - a)
    .slice(0, MAX_OPEN_VISITS);
  return { ...lead, blocked: Object.fromEntries(blocked), version: lead.version + 1 };
}

/** The visit id of every event the stored lead has applied to a visit that is still open, by `dedupKey`. */
function committedVisits(existing: StoredLead | undefined): Map<string, string> {
  const visits = new Map<string, string>();
  for (const visit of Object.values(openVisits(existing))) {
    for (const key of eventKeysOf(visit)) visits.set(key, visit.id);
  }
  return visits;
}

const firstAt = (events: readonly QueuedEvent[]): string =>
  events.reduce((min, event) => (event.occurredAt < min ? event.occurredAt : min), '\uffff');

/**
 * Engagement and form events only, for a visitor whose open visit cannot take them (MAX_EVENT_KEYS_PER_VISIT): they
 * are dropped. A page view would start a new visit instead.
 */
function isBeyondFullVisit(lead: StoredLead | undefined, visitorId: string, events: readonly QueuedEvent[]): boolean {
  if (events.some((event) => event.type === 'pageview')) return false;
  const open = pruneActiveVisits(openVisits(lead), firstAt(events))[visitorKey(visitorId)];
  return open !== undefined && eventKeyCount(open) + events.length > MAX_EVENT_KEYS_PER_VISIT;
}

/** One visitor's events, none of them applied before (see `applyRequests`). */
export function applyEvents(
  existing: StoredLead | undefined,
  identified: Identified & { leadId: string },
  visitor: Pick<LeadRequest, 'visitorId' | 'network'>,
  events: readonly QueuedEvent[],
  retention: Retention,
): { lead: StoredLead; part: VisitPart } {
  const { visitorId } = visitor;
  const sorted = [...events].sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  if (!first || !last) throw new Error('applyEvents needs events');
  const firstAt = first.occurredAt;
  const lastAt = last.occurredAt;

  const activeVisits = pruneActiveVisits(openVisits(existing), firstAt);
  const open = activeVisits[visitorKey(visitorId)];
  const pageviews = sorted.filter((event) => event.type === 'pageview');
  // A full visit (pages or event keys) ends here, and these events start the visitor's next one.
  const continues =
    open !== undefined && open.pages + pageviews.length <= MAX_PAGES_PER_VISIT && eventKeyCount(open) + sorted.length <= MAX_EVENT_KEYS_PER_VISIT;
  const visitId = continues ? open.id : visitIdFor(visitorKey(visitorId), dedupKey(first.id));
  const part = visitPart(visitId, identified, visitor, sorted, retention);
  const lastAtSeconds = toEpochSeconds(new Date(lastAt));
  const behaviour = nextBehaviour(open, continues, sorted);
  activeVisits[visitorKey(visitorId)] = {
    id: visitId,
    at: continues ? Math.max(open.at, lastAtSeconds) : lastAtSeconds,
    pages: (continues ? open.pages : 0) + pageviews.length,
    keys: (continues ? open.keys : '') + sorted.map((event) => dedupKey(event.id)).join(''),
    ...(behaviour.dayPages > 0 ? { dp: behaviour.dayPages } : {}),
    ...(behaviour.lastPage ? { lp: behaviour.lastPage, rp: behaviour.repeats } : {}),
  };
  closeIdlestVisits(activeVisits, visitorKey(visitorId));

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
    open: packOpenVisits(activeVisits),
    version: (existing?.version ?? 0) + 1,
    expiresAt: toEpochSeconds(new Date(lastSeenAt)) + retention.leadDays * 86_400,
  };
  return { lead, part };
}

/** The part of visit `visitId` that `events` (one request's, all of one visitor) make up. */
function visitPart(
  visitId: string,
  identified: Identified,
  { visitorId, network }: Pick<LeadRequest, 'visitorId' | 'network'>,
  events: readonly QueuedEvent[],
  retention: Retention,
): VisitPart {
  // A stable sort: page views with the same time keep the request's order (`order`).
  const sorted = [...events].sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
  const first = sorted[0];
  const lastAt = sorted[sorted.length - 1]?.occurredAt;
  if (!first || !lastAt) throw new Error('visitPart needs events');
  const pages: Record<string, StoredPage> = {};
  sorted
    .filter((event) => event.type === 'pageview')
    .forEach((event, order) => {
      pages[eventKey(event.id)] = { path: event.path, ...(event.title ? { title: event.title } : {}), at: event.occurredAt, order };
    });
  const engagement: VisitPart['engagement'] = {};
  for (const event of sorted) {
    if (event.type === 'engagement') engagement[eventKey(event.id)] = { ms: event.engagedMs, at: event.occurredAt };
  }
  const referrer = first.referrer;
  return {
    visitId,
    partKey: eventKey(first.id),
    visitorId,
    network,
    ...(referrer ? { referrer } : {}),
    pages,
    engagement,
    location: identified.location,
    expiresAt: toEpochSeconds(new Date(lastAt)) + retention.visitDays * 86_400,
  };
}

function pruneActiveVisits(visits: Record<string, ActiveVisit>, at: string): Record<string, ActiveVisit> {
  const cutoff = toEpochSeconds(new Date(Date.parse(at) - VISIT_TIMEOUT_MS));
  return Object.fromEntries(Object.entries(visits).filter(([, visit]) => visit.at >= cutoff));
}

/** Closes the visits idle longest, never the current visitor's, until the lead is within its bounds. */
function closeIdlestVisits(visits: Record<string, ActiveVisit>, current: string): void {
  const others = Object.entries(visits)
    .filter(([key]) => key !== current)
    .sort(([, a], [, b]) => a.at - b.at);
  let count = Object.keys(visits).length;
  let keys = Object.values(visits).reduce((sum, visit) => sum + eventKeyCount(visit), 0);
  for (const [key, visit] of others) {
    if (count <= MAX_OPEN_VISITS && keys <= MAX_OPEN_EVENT_KEYS) break;
    delete visits[key];
    count--;
    keys -= eventKeyCount(visit);
  }
}

function capPaths(pageCounts: Record<string, number>): Record<string, number> {
  const entries = Object.entries(pageCounts);
  if (entries.length <= MAX_TRACKED_PATHS) return pageCounts;
  return Object.fromEntries(rankPaths(entries).slice(0, MAX_TRACKED_PATHS));
}

const maxIso = (a: string | undefined, b: string): string => (a !== undefined && a > b ? a : b);
const minIso = (a: string, b: string): string => (a < b ? a : b);
