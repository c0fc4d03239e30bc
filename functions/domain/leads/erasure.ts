import type { Retention } from '../../contracts/deployment-config';
import { toEpochSeconds } from '../../contracts/table';
import type { StoredLead, StoredVisit } from './model';
import { openVisits, packOpenVisits } from './open-visits';

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
  const open = packOpenVisits(Object.fromEntries(Object.entries(openVisits(lead)).filter(([, active]) => !erasedIds.has(active.id))));
  const seen = remaining.flatMap((visit) => [visit.startedAt, visit.endedAt]).sort();
  const lastSeenAt = seen[seen.length - 1] ?? lead.lastSeenAt;
  const { activeVisits: _legacy, ...rest } = lead;
  return {
    ...rest,
    visits: Math.max(0, lead.visits - erased.length),
    pageviews: Math.max(0, lead.pageviews - erased.reduce((sum, visit) => sum + visit.pages.length, 0)),
    engagedMs: Math.max(0, lead.engagedMs - erased.reduce((sum, visit) => sum + visit.engagedMs, 0)),
    pageCounts,
    open,
    // Older visits may have expired already; the remaining live ones are the best evidence left.
    firstSeenAt: seen[0] ?? lead.firstSeenAt,
    lastSeenAt,
    version: lead.version + 1,
    expiresAt: toEpochSeconds(new Date(lastSeenAt)) + retention.leadDays * 86_400,
  };
}
