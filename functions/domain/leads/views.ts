import type { Lead, Visit } from '../../contracts/api/leads';
import type { ListedLead } from './listing';
import { type StoredVisit, TOP_PAGES } from './model';

/** The public views (API v1) of stored leads and visits. */

export const rankPaths = (entries: [string, number][]) =>
  entries.sort(([pathA, viewsA], [pathB, viewsB]) => viewsB - viewsA || pathA.localeCompare(pathB));

/** The public view of a lead's figures: as listed (the leads list), or as they are now (`currentLead`). */
export function toLead(stored: ListedLead): Lead {
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

export function publicVisit({ visitId, startedAt, endedAt, referrer, pages, location }: StoredVisit): Visit {
  return { visitId, startedAt, endedAt, ...(referrer ? { referrer } : {}), pages, location };
}
