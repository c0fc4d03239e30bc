import type { StoredLead } from '../leads/model';

/**
 * What one write of a lead changed, read from the table stream's old and new images: whether the organisation is
 * new (no live lead before: never seen, or its lead had expired), how many page views and visits the write added,
 * and the paths of those page views. A write that added no page view (engagement only, a blocked visitor, an
 * erasure that took visits out) changes nothing a rule fires on.
 */
export interface LeadChange {
  readonly lead: StoredLead;
  readonly newOrganisation: boolean;
  readonly pageviewsAdded: number;
  readonly visitsAdded: number;
  /** Paths of the page views this write applied (the lead's `lastPaths`). */
  readonly triggerPaths: readonly string[];
}

export function leadChange(before: StoredLead | undefined, after: StoredLead, nowSeconds: number): LeadChange {
  const previous = before && before.expiresAt > nowSeconds ? before : undefined;
  const pageviewsAdded = Math.max(0, after.pageviews - (previous?.pageviews ?? 0));
  const visitsAdded = Math.max(0, after.visits - (previous?.visits ?? 0));
  return {
    lead: after,
    newOrganisation: previous === undefined,
    pageviewsAdded,
    visitsAdded,
    triggerPaths: pageviewsAdded > 0 ? (after.lastPaths ?? []) : [],
  };
}
