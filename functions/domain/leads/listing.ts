import { LIST_REFRESH_MINUTES } from '../../contracts/names';
import { organisationClassOf, type StoredLead } from './model';
import { packChanges, type RecentChanges, unpackChanges } from './packed-changes';

/**
 * A lead's entry in the leads list, and how the lead item keeps it still between refreshes. Pure, no I/O.
 *
 * The list reads a global secondary index whose sort key is the lead's `lastSeenAt`. DynamoDB writes an index
 * entry whenever an attribute it projects changes, and moving an entry (a new sort key) costs a delete and a put.
 * Were the projected attributes the lead's live figures, every lead write would move the entry. Instead the item
 * holds the figures **as listed**, written when the entry is (re)written, and the changes since then apart, in
 * `recent` (stored packed: packed-changes.ts), which the index does not project. A lead write that leaves the
 * listed figures alone costs no index write at all.
 *
 * The entry is rewritten (refreshed) when the lead's `lastSeenAt` is LIST_REFRESH_MS or more past the listed one,
 * or when its `organisation`, `match` or `location` changes (data-subject requests find leads by the listed
 * `match.network`; the others are not kept in `recent`, which stays small).
 * So the listed `lastSeenAt` is less than LIST_REFRESH_MS behind the lead's own, and the listed counts lack at
 * most the events of that interval. The list is ordered exactly by the `lastSeenAt` it shows.
 *
 * The item's `expiresAt` (the table's TTL attribute, projected) changes only with the entry: a lead expires
 * `leadDays` after its listed `lastSeenAt`, at most LIST_REFRESH_MS before `leadDays` after its own.
 */
export const LIST_REFRESH_MS = LIST_REFRESH_MINUTES * 60 * 1000;

/** The lead's figures the list shows, as the index projects them (LEAD_INDEX_ATTRIBUTES). */
export type ListedLead = Omit<StoredLead, UnlistedState>;

/** What the lead keeps for enrichment and alerts only, never listed. */
type UnlistedState = 'open' | 'activeVisits' | 'blocked' | 'version' | 'organisationClass' | 'lastPaths';

/*
 * The changes since the entry was written (`RecentChanges`) hold the lead's current value of each figure that
 * changed; a path's count of 0 means the path dropped out of the tracked paths. A path the entry lists is named by
 * its position among the listed paths in code-unit order ("3"), which no path can be (paths start with "/"): a busy
 * lead rewrites these counts on every write, and its paths are the longest strings it holds. Items written before
 * this form name every path. The item stores them packed with `lastPaths` (packed-changes.ts).
 */

const listedPaths = (listed: Pick<ListedLead, 'pageCounts'>): string[] => Object.keys(listed.pageCounts).sort();
const isPosition = (key: string): boolean => /^\d+$/.test(key);

/** The recent page counts with each listed path named by its position. */
function byPosition(listed: Pick<ListedLead, 'pageCounts'>, counts: Record<string, number>): Record<string, number> {
  const position = new Map(listedPaths(listed).map((path, index) => [path, String(index)]));
  return Object.fromEntries(Object.entries(counts).map(([path, views]) => [position.get(path) ?? path, views]));
}

/** The recent page counts by path again. */
function byPath(listed: Pick<ListedLead, 'pageCounts'>, counts: Record<string, number>): Record<string, number> {
  const paths = listedPaths(listed);
  return Object.fromEntries(Object.entries(counts).map(([key, views]) => [isPosition(key) ? (paths[Number(key)] ?? key) : key, views]));
}

/**
 * A lead item as stored (without its keys): the listed figures, the open visits, and the changes since listing with
 * the last write's paths, packed in `changes`. Items written before the packed form hold `recent` and `lastPaths`
 * as they are, and `organisationClass`, which is now read from `match` (model.ts `organisationClassOf`).
 */
export type LeadItem = ListedLead &
  Pick<StoredLead, 'open' | 'activeVisits' | 'blocked' | 'version' | 'organisationClass' | 'lastPaths'> & { changes?: Uint8Array; recent?: RecentChanges };

const SCALARS = ['firstSeenAt', 'lastSeenAt', 'visits', 'pageviews', 'engagedMs'] as const;

/** The lead as it is now: the listed figures with the changes since applied. Index entries have no changes. */
export function currentLead(item: LeadItem): StoredLead {
  const { changes, recent: recentAsMap, lastPaths: lastPathsAsList, organisationClass: storedClass, ...listed } = item;
  const { recent, lastPaths } = changes ? unpackChanges(changes) : { recent: recentAsMap, lastPaths: lastPathsAsList };
  const organisationClass = storedClass ?? organisationClassOf(listed.match);
  const lead: StoredLead = { ...listed, ...(organisationClass ? { organisationClass } : {}), ...(lastPaths ? { lastPaths } : {}) };
  if (!recent) return lead;
  const pageCounts = { ...lead.pageCounts, ...byPath(lead, recent.pageCounts ?? {}) };
  for (const [path, views] of Object.entries(pageCounts)) if (views <= 0) delete pageCounts[path];
  const scalars = Object.fromEntries(SCALARS.flatMap((name) => (recent[name] === undefined ? [] : [[name, recent[name]]])));
  return { ...lead, ...scalars, pageCounts };
}

/** Whether the lead's entry must be rewritten: no entry yet, LIST_REFRESH_MS passed, another organisation, match or location. */
export function needsRefresh(lead: StoredLead, listed: LeadItem | undefined): boolean {
  if (!listed) return true;
  if (Date.parse(lead.lastSeenAt) - Date.parse(listed.lastSeenAt) >= LIST_REFRESH_MS) return true;
  return (['organisation', 'match', 'location'] as const).some((name) => canonical(lead[name]) !== canonical(listed[name]));
}

/** The listed figures of an item: what its index entry holds. */
export function listedOf(item: ListedLead): ListedLead {
  const { leadId, siteId, organisation, match, location, firstSeenAt, lastSeenAt, visits, pageviews, engagedMs, pageCounts, expiresAt } = item;
  return { leadId, siteId, organisation, match, location, firstSeenAt, lastSeenAt, visits, pageviews, engagedMs, pageCounts, expiresAt };
}

/**
 * The item to store for `lead`, given the item stored before (if any): the lead listed afresh when its entry
 * needs a refresh, otherwise the same listed figures with the lead's changes since in `recent`.
 */
export function leadItemFor(lead: StoredLead, previous: LeadItem | undefined): { item: LeadItem; refreshed: boolean } {
  if (!previous || needsRefresh(lead, previous)) return { item: { ...listedOf(lead), ...unlisted(lead, {}) }, refreshed: true };
  const listed = listedOf(previous);
  const recent: RecentChanges = {};
  for (const name of SCALARS) {
    if (lead[name] !== listed[name]) Object.assign(recent, { [name]: lead[name] });
  }
  const pageCounts: Record<string, number> = {};
  for (const path of new Set([...Object.keys(listed.pageCounts), ...Object.keys(lead.pageCounts)])) {
    const views = lead.pageCounts[path] ?? 0;
    if (views !== (listed.pageCounts[path] ?? 0)) pageCounts[path] = views;
  }
  if (Object.keys(pageCounts).length > 0) recent.pageCounts = byPosition(listed, pageCounts);
  return { item: { ...listed, ...unlisted(lead, recent) }, refreshed: false };
}

/** What the item keeps beside its listed figures; none of it is projected, so it costs no index write. */
function unlisted(lead: StoredLead, recent: RecentChanges): Pick<LeadItem, 'open' | 'activeVisits' | 'blocked' | 'version' | 'changes'> {
  // `lastPaths` is for alert rules on the table's stream (docs/alerts.md).
  const changes = packChanges({ recent, ...(lead.lastPaths ? { lastPaths: lead.lastPaths } : {}) });
  return {
    ...(lead.open ? { open: lead.open } : lead.activeVisits ? { activeVisits: lead.activeVisits } : {}),
    ...(lead.blocked ? { blocked: lead.blocked } : {}),
    version: lead.version,
    ...(changes ? { changes } : {}),
  };
}

/** A flat object as JSON with its keys in order, so two equal values compare alike whatever their key order. */
const canonical = (value: object): string => JSON.stringify(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)));
