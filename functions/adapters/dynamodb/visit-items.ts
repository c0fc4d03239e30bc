import type { Location } from '../../contracts/api/leads';
import type { StoredPage, StoredVisit } from '../../domain/leads/model';

/**
 * The visits that visit items make up (`VISIT#{visitId}#{partKey}`, functions/contracts/table.ts).
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
      network: typeof first.network === 'string' ? first.network : '',
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

const byTime = (a: StoredPage, b: StoredPage): number => a.at.localeCompare(b.at) || (a.order ?? 0) - (b.order ?? 0);
