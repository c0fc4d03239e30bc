import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { TrackedEvent } from '../../../../functions/contracts/api/events';
import { DEFAULT_RETENTION } from '../../../../functions/contracts/deployment-config';
import type { QueuedEvent } from '../../../../functions/contracts/queue-message';
import { applyEvents } from '../../../../functions/domain/leads/apply-requests';
import { currentLead, type LeadItem, leadItemFor, LIST_REFRESH_MS, listedOf } from '../../../../functions/domain/leads/listing';
import { type Identified, leadIdFor, MAX_TRACKED_PATHS, type StoredLead } from '../../../../functions/domain/leads/model';
import { unpackChanges } from '../../../../functions/domain/leads/packed-changes';
import { minimiseEvent } from '../../../../functions/domain/privacy/minimise';

const identified = {
  siteId: 'demo',
  leadId: leadIdFor('demo', 'asn:1'),
  organisation: { name: 'SAP SE', asn: 1 },
  match: { source: 'asn-registry' as const, confidence: 'high' as const, network: '193.16.0.0/16' },
  location: { country: 'DE' },
};
const VISITOR = { visitorId: 'a'.repeat(64), network: '193.16.4.0/24' };
const START = Date.parse('2026-11-25T10:00:00.000Z');
const at = (minutes: number) => new Date(START + minutes * 60_000).toISOString();
const pageview = (path: string, occurredAt: string): QueuedEvent =>
  minimiseEvent({ id: randomUUID(), type: 'pageview', url: `https://www.example.com${path}`, occurredAt } as TrackedEvent);

const recentOf = (item: LeadItem | undefined) => (item?.changes ? unpackChanges(item.changes).recent : undefined);

/** Applies page views one write at a time, storing each lead as the store does; returns every item written. */
function write(views: readonly { path: string; minutes: number; who?: Partial<Identified> }[]) {
  let item: LeadItem | undefined;
  let lead: StoredLead | undefined;
  const writes: { lead: StoredLead; item: LeadItem; refreshed: boolean }[] = [];
  for (const view of views) {
    lead = applyEvents(item && currentLead(item), { ...identified, ...view.who }, VISITOR, [pageview(view.path, at(view.minutes))], DEFAULT_RETENTION).lead;
    const next = leadItemFor(lead, item);
    item = next.item;
    writes.push({ lead, ...next });
  }
  return writes;
}

describe('a lead and its entry in the leads list', () => {
  it('lists a new lead as it is', () => {
    const [first] = write([{ path: '/pricing', minutes: 0 }]);
    expect(first?.refreshed).toBe(true);
    expect(recentOf(first?.item)).toBeUndefined();
    expect(listedOf(first!.item)).toMatchObject({ lastSeenAt: at(0), pageviews: 1, pageCounts: { '/pricing': 1 } });
  });

  it('keeps the listed figures for writes within 10 minutes, and the changes apart', () => {
    const writes = write([
      { path: '/pricing', minutes: 0 },
      { path: '/', minutes: 4 },
      { path: '/pricing', minutes: 9 },
    ]);
    const last = writes[2]!;
    expect(writes.map((w) => w.refreshed)).toEqual([true, false, false]);
    expect(listedOf(last.item)).toEqual(listedOf(writes[0]!.item));
    // "/pricing" is listed: named by its position among the listed paths; "/" is new: named in full.
    expect(recentOf(last.item)).toEqual({ lastSeenAt: at(9), pageviews: 3, pageCounts: { '/': 1, '0': 2 } });
    expect(currentLead(last.item).pageCounts).toEqual({ '/': 1, '/pricing': 2 });
  });

  it('reads recent page counts stored by path, as items written before positions were', () => {
    const writes = write([
      { path: '/pricing', minutes: 0 },
      { path: '/', minutes: 4 },
    ]);
    const { changes, ...item } = writes[1]!.item;
    const byPath = { ...item, recent: { ...recentOf(writes[1]!.item), pageCounts: { '/': 1, '/pricing': 1 } } };
    expect(currentLead(byPath).pageCounts).toEqual(currentLead(writes[1]!.item).pageCounts);
    expect(changes).toBeDefined();
  });

  it('reads items written before the changes were packed: recent, last paths and class as they were stored', () => {
    const writes = write([
      { path: '/pricing', minutes: 0 },
      { path: '/', minutes: 4 },
    ]);
    const { item } = leadItemFor({ ...writes[1]!.lead, lastPaths: ['/'] }, writes[0]!.item);
    const { changes, ...rest } = item;
    const asStoredBefore: LeadItem = { ...rest, ...unpackChanges(changes!), organisationClass: 'education' };
    expect(currentLead(item).lastPaths).toEqual(['/']);
    expect(currentLead(asStoredBefore)).toEqual({ ...currentLead(item), organisationClass: 'education' });
  });

  it('stores no organisation class beside the match, and reads it from there', () => {
    const [first] = write([{ path: '/pricing', minutes: 0, who: { match: { ...identified.match, class: 'business' } } }]);
    expect(first!.item).not.toHaveProperty('organisationClass');
    expect(currentLead(first!.item).organisationClass).toBe('business');
  });

  it('gives back the lead as it is now, all but its expiry, which follows the listed last-seen time', () => {
    const writes = write([
      { path: '/pricing', minutes: 0 },
      { path: '/', minutes: 4 },
    ]);
    const { lead, item } = writes[1]!;
    expect(currentLead(item)).toEqual({ ...lead, expiresAt: writes[0]!.lead.expiresAt });
  });

  it('carries the visitor-days blocked by a behaviour limit through writes that do not refresh the entry', () => {
    const [first] = write([{ path: '/pricing', minutes: 0 }]);
    const blocked = { [VISITOR.visitorId.slice(0, 16)]: Math.floor(START / 1000) + 86_400 };
    const lead: StoredLead = { ...currentLead(first!.item), lastSeenAt: at(4), blocked, version: first!.lead.version + 1 };
    const next = leadItemFor(lead, first!.item);
    expect(next.refreshed).toBe(false);
    expect(next.item.blocked).toEqual(blocked);
    expect(currentLead(next.item).blocked).toEqual(blocked);
  });

  it('carries open visits in either stored form through writes that do not refresh the entry', () => {
    const [first] = write([{ path: '/pricing', minutes: 0 }]);
    const { open, ...beforePacking } = currentLead(first!.item);
    expect(open).toBeInstanceOf(Uint8Array);
    const packed = leadItemFor({ ...beforePacking, open, lastSeenAt: at(4), version: 2 }, first!.item);
    expect(packed).toMatchObject({ refreshed: false, item: { open } });
    // An item written before the packed form, rewritten without new events (a visitor-day blocked on it).
    const activeVisits = { [VISITOR.visitorId.slice(0, 16)]: { at: Math.floor(START / 1000), pages: 1, k: 'AAAAAAAA' } };
    const legacy = leadItemFor({ ...beforePacking, activeVisits, lastSeenAt: at(4), version: 2 }, first!.item);
    expect(legacy).toMatchObject({ refreshed: false, item: { activeVisits } });
    expect(legacy.item.open).toBeUndefined();
  });

  it('refreshes the entry 10 minutes after the listed last-seen time', () => {
    const writes = write([
      { path: '/pricing', minutes: 0 },
      { path: '/', minutes: 9.9 },
      { path: '/', minutes: LIST_REFRESH_MS / 60_000 },
    ]);
    expect(writes.map((w) => w.refreshed)).toEqual([true, false, true]);
    expect(writes[2]!.item).toEqual({ ...writes[2]!.lead });
  });

  it('refreshes the entry when the match or the location changes', () => {
    const writes = write([
      { path: '/a', minutes: 0 },
      { path: '/a', minutes: 1, who: { location: { country: 'DE', city: 'Walldorf' } } },
      { path: '/a', minutes: 2, who: { location: { country: 'DE', city: 'Walldorf' }, match: { ...identified.match, network: '193.17.0.0/16' } } },
    ]);
    expect(writes.map((w) => w.refreshed)).toEqual([true, true, true]);
  });

  it('drops a path from the current lead when it leaves the tracked paths between refreshes', () => {
    const paths = Array.from({ length: MAX_TRACKED_PATHS }, (_, i) => `/page-${String(i).padStart(2, '0')}`);
    const writes = write([
      ...paths.map((path) => ({ path, minutes: 0 })),
      { path: '/new', minutes: 1 },
      { path: '/new', minutes: 2 },
    ]);
    const { lead, item } = writes[writes.length - 1]!;
    expect(Object.keys(lead.pageCounts)).toHaveLength(MAX_TRACKED_PATHS);
    expect(currentLead(item).pageCounts).toEqual(lead.pageCounts);
  });

  it('whatever the writes: the current lead is exact, the list trails it by less than 10 minutes, and the entry changes only when refreshed', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ path: fc.constantFrom('/', '/pricing', '/demo', '/contact'), gap: fc.integer({ min: 0, max: 15 * 60 }) }), { minLength: 1, maxLength: 40 }),
        (steps) => {
          let seconds = 0;
          const writes = write(steps.map(({ path, gap }) => ({ path, minutes: (seconds += gap) / 60 })));
          writes.forEach(({ lead, item, refreshed }, index) => {
            const { expiresAt: _, ...now } = currentLead(item);
            const { expiresAt: __, ...expected } = lead;
            expect(now).toEqual(expected);
            const behind = Date.parse(lead.lastSeenAt) - Date.parse(item.lastSeenAt);
            expect(behind).toBeGreaterThanOrEqual(0);
            expect(behind).toBeLessThan(LIST_REFRESH_MS);
            const before = writes[index - 1];
            if (before && !refreshed) expect(listedOf(item)).toEqual(listedOf(before.item));
          });
        },
      ),
    );
  });
});
