import { createHash } from 'node:crypto';
import type { Location, Match, Organisation, Visit } from '../../contracts/api/leads';
import type { LeadClass } from '../../contracts/deployment-config';

/** What a lead, its open visits and its visit parts are, and the rules that name them; pure, no I/O. */

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
 * Bounds on what one visitor, one visit and one lead can hold, whatever a client sends (a lead item is written on
 * every batch that touches it, billed per started KB, and may never reach DynamoDB's 400 KB item limit):
 * - a visit's open entry keeps at most MAX_EVENT_KEYS_PER_VISIT event keys. A request that would pass it starts a
 *   new visit when it holds a page view; engagement and form events beyond it are dropped (`visit-limit`);
 * - a lead keeps at most MAX_OPEN_VISITS open visits and MAX_OPEN_EVENT_KEYS event keys among them; past either,
 *   the visits idle longest are closed early. Their events are then no longer recognised if SQS redelivers them,
 *   which can count a page view twice, but only for an organisation with more visitors at once than this.
 * With 15 tracked paths of at most 512 characters, a lead item stays under 32 KB (test/unit/domain/leads/bounds.test.ts).
 */
export const MAX_EVENT_KEYS_PER_VISIT = 200;
export const MAX_OPEN_VISITS = 50;
export const MAX_OPEN_EVENT_KEYS = 1000;
export const EVENT_KEY_LENGTH = 11;
/**
 * The distinct paths of the page views a lead write applied, kept on the lead until its next write: the alerts
 * function reads them from the table's stream ("visited /pricing"), which `pageCounts` alone cannot tell once a new
 * path does not make the 15 most viewed. Usually one or two paths (about 20 bytes).
 */
export const MAX_LAST_PATHS = 5;

/**
 * An open visit, as the enrichment rules see it (`openVisits`). The lead is written on every batch that touches it
 * and billed per started KB, and open visits are most of its bytes, so they are stored packed (open-visits.ts).
 */
export interface ActiveVisit {
  /** The visit id. */
  id: string;
  /** Epoch seconds of the visit's last event. */
  at: number;
  /** Page views so far. */
  pages: number;
  /**
   * The `dedupKey`s of the events applied to this visit, concatenated: a redelivered event is recognised here, on
   * the item that is read and written anyway, so deduplication costs no write of its own. Kept while the visit is
   * open, which outlasts SQS redelivery (receive limit × visibility timeout) by far.
   */
  keys: string;
  /** Page views of this visitor-day in earlier visits that ended on a bound (behaviour.ts). */
  dp?: number;
  /** A short hash of the last page viewed, and how often in a row (behaviour.ts). */
  lp?: string;
  rp?: number;
}

/**
 * An open visit as lead items written before the packed form (open-visits.ts) store it, read and converted to
 * today's keys. The id is left out when it can be derived (`visitIdFor` of the 16-digit visitor key and the first
 * event's 8-character key), and event keys are 8 base64url characters (`k`). Items older still hold `id` and
 * `keys` of EVENT_KEY_LENGTH characters.
 */
export interface StoredOpenVisit {
  at: number;
  pages: number;
  /** Event keys of 8 base64url characters (6 bytes of the event id's hash). */
  k?: string;
  /** Only when not derivable: visits begun before the compact form. */
  id?: string;
  /** Event keys of EVENT_KEY_LENGTH characters (the form before `k`). */
  keys?: string;
  dp?: number;
  lp?: string;
  rp?: number;
}

/**
 * The key of a visitor's open visit on the lead: 48 bits of the pseudonym (hex), plenty to tell apart the visitors
 * of one organisation within 30 minutes (two of 50 share a key with a probability under 10^-11).
 */
export const VISITOR_KEY_LENGTH = 12;
export const visitorKey = (visitorId: string): string => visitorId.slice(0, VISITOR_KEY_LENGTH);

/** When a visitor's block ends (epoch seconds; 0: not blocked). Blocks stored before keys were 12 digits have 16. */
export const blockedUntil = (lead: Pick<StoredLead, 'blocked'> | undefined, visitorId: string): number =>
  lead?.blocked?.[visitorKey(visitorId)] ?? lead?.blocked?.[visitorId.slice(0, 16)] ?? 0;

/**
 * 40 bits of an event's id hash (hex), the key a redelivered event is recognised by among the at most
 * MAX_OPEN_EVENT_KEYS keys of a lead's open visits: a new event matches one of them by chance with a probability
 * under 10^-9, and then counts as a duplicate. The first 5 bytes of the hash, so the 6-byte keys of items written
 * before (8 base64url characters) are read as today's keys by their first 5 bytes (open-visits.ts).
 */
export const DEDUP_KEY_LENGTH = 10;
export const dedupKey = (eventId: string): string => createHash('sha256').update(eventId).digest('hex').slice(0, DEDUP_KEY_LENGTH);

/** A visit's id: from the visitor key and its first event's key, so an open visit need not store it. */
export const visitIdFor = (key: string, firstDedupKey: string): string =>
  createHash('sha256').update(`${key}\n${firstDedupKey}`).digest('hex').slice(0, 24);

/** How many events an open visit holds keys for. */
export const eventKeyCount = (visit: ActiveVisit): number => visit.keys.length / DEDUP_KEY_LENGTH;

/** Concatenated keys of `length` characters, one by one. */
export const splitKeys = (keys: string, length: number): string[] =>
  Array.from({ length: keys.length / length }, (_, i) => keys.slice(i * length, (i + 1) * length));

/** The event keys of an open visit, one by one. */
export const eventKeysOf = (visit: ActiveVisit): string[] => splitKeys(visit.keys, DEDUP_KEY_LENGTH);

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
  /**
   * Open visits, pruned to the last 30 minutes on every write, packed (open-visits.ts); read them with `openVisits`.
   */
  open?: Uint8Array;
  /** Open visits by `visitorKey`, as items written before the packed form hold them; never written now. */
  activeVisits?: Record<string, StoredOpenVisit>;
  /**
   * Visitor-days past a behaviour limit (behaviour.ts), by `visitorKey`: epoch seconds when the block ends. At most
   * MAX_OPEN_VISITS, pruned on every write.
   */
  blocked?: Record<string, number>;
  /**
   * The class of the organisation, for alert rules: read from `match` (`organisationClassOf`) by `currentLead`, or as
   * items written before stored it; never stored now.
   */
  organisationClass?: LeadClass;
  /** The paths of the page views the last write applied (MAX_LAST_PATHS), for alert rules on the table's stream. */
  lastPaths?: string[];
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
  /**
   * The visitor's truncated network (IPv4 /24, IPv6 /48), as queued: a data-subject request matches the subject's
   * own network, not the whole range the organisation was matched by.
   */
  network: string;
  referrer?: string;
  /** Page views by `eventKey`: a visit's parts are merged by these keys when read, so an overlap counts once. */
  pages: Record<string, StoredPage>;
  /** Engagement by `eventKey`, kept per visit so that erasing a visit can take it out of the lead. */
  engagement: Record<string, { ms: number; at: string }>;
  location: Location;
  expiresAt: number;
}

/** A short, fixed-size stand-in for a client's event id (any UUID version): 66 bits, enough within one lead. */
export const eventKey = (eventId: string): string => createHash('sha256').update(eventId).digest('base64url').slice(0, EVENT_KEY_LENGTH);

export interface Identified {
  siteId: string;
  organisation: Organisation;
  match: Match;
  location: Location;
}

export const leadIdFor = (siteId: string, organisationKey: string): string =>
  createHash('sha256').update(`${siteId}\n${organisationKey}`).digest('hex').slice(0, 24);

export interface StoredVisit {
  visitId: string;
  visitorId: string;
  /** The truncated network of the visit's first part. */
  network: string;
  startedAt: string;
  endedAt: string;
  referrer?: string;
  pages: StoredPage[];
  engagedMs: number;
  location: Location;
  /** The keys of the items the visit is stored in: its parts. */
  itemKeys: { pk: string; sk: string }[];
}

/**
 * The class of a lead's organisation, as its match names it: the network's class for a registry match, `business`
 * for a typed business domain (identify.ts), none for a range you configured.
 */
export const organisationClassOf = (match: Match): LeadClass | undefined =>
  match.class ?? (match.source === 'form-domain' ? 'business' : undefined);
