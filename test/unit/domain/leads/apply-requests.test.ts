import { randomUUID } from 'node:crypto';
import type { TrackedEvent } from '../../../../functions/contracts/api/events';
import type { QueuedEvent } from '../../../../functions/contracts/queue-message';
import { minimiseEvent } from '../../../../functions/domain/privacy/minimise';
import { DEFAULT_RETENTION } from '../../../../functions/contracts/deployment-config';
import { applyEvents, applyRequests } from '../../../../functions/domain/leads/apply-requests';
import { dedupKey, eventKey, leadIdFor, MAX_TRACKED_PATHS, type StoredLead, visitorKey } from '../../../../functions/domain/leads/model';
import { openVisits } from '../../../../functions/domain/leads/open-visits';
import { toLead } from '../../../../functions/domain/leads/views';
import { visitsFromItems } from '../../../../functions/adapters/dynamodb/visit-items';
import { FORMAT_1_OPEN, FORMAT_1_VISIT_ID } from '../../../fixtures/open-visits-format-1';

/** The visitor's truncated network, as the ingest function queues it. */
const NETWORK = '193.16.4.0/24';

const identified = {
  siteId: 'demo',
  leadId: leadIdFor('demo', 'asn:1'),
  organisation: { name: 'SAP SE', asn: 1 },
  match: { source: 'asn-registry' as const, confidence: 'high' as const, network: '193.16.0.0/16' },
  location: { country: 'DE' },
};
const VISITOR = 'a'.repeat(64);

/** A page view as the ingest function queues it: minimised from what the browser sent. */
const pageview = (url: string, occurredAt: string, extra: Partial<TrackedEvent> = {}): QueuedEvent =>
  minimiseEvent({ id: randomUUID(), type: 'pageview', url, occurredAt, ...extra } as TrackedEvent);

describe('applyEvents', () => {
  it('creates a lead and a visit from the first page views', () => {
    const first = pageview('https://www.example.com/pricing', '2026-11-25T10:00:00.000Z', { referrer: 'https://www.google.com/search?q=jane' });
    const { lead, part } = applyEvents(undefined, identified, { visitorId: VISITOR, network: NETWORK }, [first, pageview('https://www.example.com/', '2026-11-25T10:01:00.000Z')], DEFAULT_RETENTION);

    expect(lead).toMatchObject({ visits: 1, pageviews: 2, firstSeenAt: '2026-11-25T10:00:00.000Z', lastSeenAt: '2026-11-25T10:01:00.000Z', version: 1 });
    expect(part).toMatchObject({ visitId: openVisits(lead)[visitorKey(VISITOR)]?.id, partKey: eventKey(first.id), referrer: 'https://www.google.com/search' });
    expect(Object.values(part.pages).map((page) => page.path)).toEqual(['/pricing', '/']);
  });

  it('keeps paths only: query strings and fragments may carry personal data', () => {
    const { part, lead } = applyEvents(undefined, identified, { visitorId: VISITOR, network: NETWORK }, [
      pageview('https://www.example.com/signup?email=jane@example.com#step2', '2026-11-25T10:00:00.000Z'),
    ], DEFAULT_RETENTION);
    expect(Object.values(part.pages)[0]?.path).toBe('/signup');
    expect(JSON.stringify({ part, lead })).not.toContain('jane');
  });

  it('continues the visit within 30 minutes and starts a new one after', () => {
    const first = applyEvents(undefined, identified, { visitorId: VISITOR, network: NETWORK }, [pageview('https://e.com/a', '2026-11-25T10:00:00.000Z')], DEFAULT_RETENTION);
    const second = applyEvents(first.lead, identified, { visitorId: VISITOR, network: NETWORK }, [pageview('https://e.com/b', '2026-11-25T10:29:00.000Z')], DEFAULT_RETENTION);
    const third = applyEvents(second.lead, identified, { visitorId: VISITOR, network: NETWORK }, [pageview('https://e.com/c', '2026-11-25T11:00:00.000Z')], DEFAULT_RETENTION);

    expect(second.part.visitId).toBe(first.part.visitId);
    expect(second.part.partKey).not.toBe(first.part.partKey);
    expect(third.part.visitId).not.toBe(first.part.visitId);
    expect(third.lead).toMatchObject({ visits: 2, pageviews: 3 });
  });

  it('counts another visitor of the same organisation as another visit', () => {
    const first = applyEvents(undefined, identified, { visitorId: VISITOR, network: NETWORK }, [pageview('https://e.com/a', '2026-11-25T10:00:00.000Z')], DEFAULT_RETENTION);
    const other = applyEvents(first.lead, identified, { visitorId: 'b'.repeat(64), network: NETWORK }, [pageview('https://e.com/a', '2026-11-25T10:01:00.000Z')], DEFAULT_RETENTION);
    expect(other.lead.visits).toBe(2);
    expect(toLead(other.lead).topPages).toEqual([{ path: '/a', views: 2 }]);
  });

  it('adds engagement time without counting a page view', () => {
    const { lead } = applyEvents(undefined, identified, { visitorId: VISITOR, network: NETWORK }, [
      minimiseEvent({ id: randomUUID(), type: 'engagement', url: 'https://e.com/a', engagedMs: 12_400, occurredAt: '2026-11-25T10:00:00.000Z' }),
    ], DEFAULT_RETENTION);
    expect(toLead(lead)).toMatchObject({ pageviews: 0, engagedSeconds: 12 });
  });

  it('expires the lead 13 months after it was last seen and the visit 90 days after it ended', () => {
    const { lead, part } = applyEvents(undefined, identified, { visitorId: VISITOR, network: NETWORK }, [pageview('https://e.com/a', '2026-11-25T10:00:00.000Z')], DEFAULT_RETENTION);
    const seen = Date.parse('2026-11-25T10:00:00.000Z') / 1000;
    expect(lead.expiresAt).toBe(seen + 396 * 86_400);
    expect(part.expiresAt).toBe(seen + 90 * 86_400);
    expect(toLead(lead).expiresAt).toBe(new Date((seen + 396 * 86_400) * 1000).toISOString());
  });

  it('bounds the number of tracked paths, keeping the most viewed', () => {
    let lead = applyEvents(undefined, identified, { visitorId: VISITOR, network: NETWORK }, [pageview('https://e.com/popular', '2026-11-25T10:00:00.000Z')], DEFAULT_RETENTION).lead;
    lead = applyEvents(lead, identified, { visitorId: VISITOR, network: NETWORK }, [pageview('https://e.com/popular', '2026-11-25T10:00:01.000Z')], DEFAULT_RETENTION).lead;
    for (let i = 0; i < MAX_TRACKED_PATHS + 20; i++) {
      lead = applyEvents(lead, identified, { visitorId: `${i}`.padStart(64, '0'), network: NETWORK }, [pageview(`https://e.com/p${i}`, '2026-11-25T10:00:02.000Z')], DEFAULT_RETENTION).lead;
    }
    expect(Object.keys(lead.pageCounts)).toHaveLength(MAX_TRACKED_PATHS);
    expect(toLead(lead).topPages[0]).toEqual({ path: '/popular', views: 2 });
  });

  it('cuts the path counts of a lead written under the earlier, larger bound', () => {
    const first = applyEvents(undefined, identified, { visitorId: VISITOR, network: NETWORK }, [pageview('https://e.com/x', '2026-11-25T10:00:00.000Z')], DEFAULT_RETENTION).lead;
    const legacy = { ...first, pageCounts: Object.fromEntries(Array.from({ length: 25 }, (_, i) => [`/p${i}`, 25 - i])) };
    const { lead } = applyEvents(legacy, identified, { visitorId: VISITOR, network: NETWORK }, [pageview('https://e.com/p0', '2026-11-25T10:00:01.000Z')], DEFAULT_RETENTION);
    expect(Object.keys(lead.pageCounts)).toHaveLength(MAX_TRACKED_PATHS);
    expect(toLead(lead).topPages[0]).toEqual({ path: '/p0', views: 26 });
  });

  it('derives the same lead id for the same site and organisation only', () => {
    expect(leadIdFor('demo', 'asn:1')).toBe(leadIdFor('demo', 'asn:1'));
    expect(leadIdFor('demo', 'asn:1')).not.toBe(leadIdFor('other', 'asn:1'));
    expect(leadIdFor('demo', 'asn:1')).toMatch(/^[0-9a-f]{24}$/);
  });
});

describe('applyRequests', () => {
  const at = (minute: number) => `2026-11-25T10:${String(minute).padStart(2, '0')}:00.000Z`;

  it('skips events the lead has applied already, from an earlier delivery or twice in one batch', () => {
    const a = pageview('https://e.com/a', at(0));
    const b = pageview('https://e.com/b', at(1));
    const first = applyRequests(undefined, identified, [{ visitorId: VISITOR, network: NETWORK, events: [a] }], DEFAULT_RETENTION);
    const again = applyRequests(first.lead, identified, [{ visitorId: VISITOR, network: NETWORK, events: [a, b] }, { visitorId: VISITOR, network: NETWORK, events: [b] }], DEFAULT_RETENTION);

    expect(first).toMatchObject({ applied: 1, duplicates: 0 });
    expect(again).toMatchObject({ applied: 1, duplicates: 2 });
    expect(again.lead).toMatchObject({ pageviews: 2, visits: 1 });
    expect(again.parts.map((part) => Object.values(part.pages).map((page) => page.path))).toEqual([['/b']]);
  });

  it('returns no lead to write when every event was a duplicate, and the part to write again', () => {
    const a = pageview('https://e.com/a', at(0));
    const first = applyRequests(undefined, identified, [{ visitorId: VISITOR, network: NETWORK, events: [a] }], DEFAULT_RETENTION);
    // The first delivery may have committed the lead and then failed before writing its part.
    expect(applyRequests(first.lead, identified, [{ visitorId: VISITOR, network: NETWORK, events: [a] }], DEFAULT_RETENTION)).toEqual({
      parts: [],
      replays: first.parts,
      applied: 0,
      duplicates: 1,
      dropped: {},
    });
  });

  it('writes one part per request, all of one visit, in event order whatever the batch order', () => {
    const late = pageview('https://e.com/late', at(5));
    const early = pageview('https://e.com/early', at(0));
    const { lead, parts } = applyRequests(undefined, identified, [{ visitorId: VISITOR, network: NETWORK, events: [late] }, { visitorId: VISITOR, network: NETWORK, events: [early] }], DEFAULT_RETENTION);

    expect(parts.map((part) => part.partKey)).toEqual([eventKey(early.id), eventKey(late.id)]);
    expect(new Set(parts.map((part) => part.visitId)).size).toBe(1);
    expect(lead).toMatchObject({ visits: 1, pageviews: 2, firstSeenAt: at(0), lastSeenAt: at(5) });
  });

  it('keeps event keys only while the visit is open', () => {
    const first = applyRequests(undefined, identified, [{ visitorId: VISITOR, network: NETWORK, events: [pageview('https://e.com/a', at(0))] }], DEFAULT_RETENTION);
    const later = applyRequests(first.lead, identified, [{ visitorId: 'b'.repeat(64), network: NETWORK, events: [pageview('https://e.com/b', '2026-11-25T11:00:00.000Z')] }], DEFAULT_RETENTION);
    expect(Object.keys(openVisits(later.lead))).toEqual([visitorKey('b'.repeat(64))]);
  });
});

describe('open visits on the lead', () => {
  const at = '2026-11-25T10:00:00.000Z';

  it('hold 48 bits of the pseudonym, epoch seconds and 40-bit event keys, packed, and no id they can derive', () => {
    const a = pageview('https://e.com/a', at);
    const b = pageview('https://e.com/b', '2026-11-25T10:01:00.000Z');
    const { lead, parts } = applyRequests(undefined, identified, [{ visitorId: VISITOR, network: NETWORK, events: [a, b] }], DEFAULT_RETENTION);
    const seconds = Date.parse('2026-11-25T10:01:00.000Z') / 1000;
    const visit = openVisits(lead)[visitorKey(VISITOR)];
    // The last page (a short hash) and how often in a row, for the behaviour limits.
    expect(visit).toMatchObject({ at: seconds, pages: 2, keys: dedupKey(a.id) + dedupKey(b.id), lp: expect.stringMatching(/^[\w-]{6}$/), rp: 1 });
    const time = Buffer.alloc(4);
    time.writeUInt32BE(seconds);
    expect(Buffer.from(lead?.open ?? [])).toEqual(
      Buffer.concat([
        Buffer.from([2]),
        Buffer.from(VISITOR.slice(0, 12), 'hex'),
        time,
        Buffer.from([2, 1]),
        Buffer.from(visit?.lp ?? '', 'latin1'),
        Buffer.from([0, 0, 2]),
        Buffer.from(dedupKey(a.id) + dedupKey(b.id), 'hex'),
      ]),
    );
    expect(lead?.activeVisits).toBeUndefined();
    expect(dedupKey(a.id)).toMatch(/^[0-9a-f]{10}$/);
    // The id the visit's parts carry is the one derived when the lead is read.
    expect(openVisits(lead)[visitorKey(VISITOR)]?.id).toBe(parts[0]?.visitId);
  });

  it('go on reading open visits stored before the compact form: their id and 11-character keys', () => {
    const a = pageview('https://e.com/a', at);
    const b = pageview('https://e.com/b', '2026-11-25T10:01:00.000Z');
    const first = applyRequests(undefined, identified, [{ visitorId: VISITOR, network: NETWORK, events: [a] }], DEFAULT_RETENTION).lead!;
    const { open: _packed, ...beforePacking } = first;
    const legacy: StoredLead = {
      ...beforePacking,
      activeVisits: { [visitorKey(VISITOR)]: { id: 'legacy-visit-id', at: Date.parse(at) / 1000, pages: 1, keys: eventKey(a.id) } },
    };

    const again = applyRequests(legacy, identified, [{ visitorId: VISITOR, network: NETWORK, events: [a, b] }], DEFAULT_RETENTION);

    // `a` is recognised from its old key; `b` continues the old visit, whose id is kept since it cannot be derived.
    expect(again).toMatchObject({ applied: 1, duplicates: 1 });
    expect(again.parts[0]?.visitId).toBe('legacy-visit-id');
    expect(openVisits(again.lead)[visitorKey(VISITOR)]).toMatchObject({ id: 'legacy-visit-id', keys: dedupKey(a.id) + dedupKey(b.id), pages: 2 });
    // Written in the packed form only, the old id with it.
    expect(again.lead?.activeVisits).toBeUndefined();
  });
});

describe('a lead stored before 40-bit keys (open visits in format 1)', () => {
  it('recognises a redelivered event by its old key and continues its visit under the id it had', () => {
    const visitorId = '0123456789abcdef'.padEnd(64, '0');
    const event = (id: string, path: string): QueuedEvent => ({ id, type: 'pageview', path, occurredAt: '2026-12-05T06:50:00.000Z' });
    const first = applyRequests(undefined, identified, [{ visitorId: 'b'.repeat(64), network: NETWORK, events: [event('x-0', '/')] }], DEFAULT_RETENTION).lead!;
    const stored: StoredLead = { ...first, open: FORMAT_1_OPEN };

    const again = applyRequests(stored, identified, [{ visitorId, network: NETWORK, events: [event('e-1', '/pricing'), event('e-3', '/contact')] }], DEFAULT_RETENTION);

    expect(again).toMatchObject({ applied: 1, duplicates: 1 });
    expect(again.parts.map((part) => part.visitId)).toEqual([FORMAT_1_VISIT_ID]);
    expect(again.replays.map((part) => part.visitId)).toEqual([FORMAT_1_VISIT_ID]);
    const visit = openVisits(again.lead)[visitorKey(visitorId)];
    expect(visit).toMatchObject({ id: FORMAT_1_VISIT_ID, pages: 3, keys: ['e-0', 'e-1', 'e-2', 'e-3'].map(dedupKey).join('') });
    expect(again.lead?.open?.[0]).toBe(2);
  });
});

describe('visitsFromItems', () => {
  const PK = 'SITE#demo#LEAD#l1';
  it('merges a visit\'s parts, orders pages by time and derives start, end and engagement', () => {
    const [visit, ...others] = visitsFromItems([
      {
        pk: PK,
        sk: 'VISIT#v1#k2',
        visitorId: VISITOR,
        network: NETWORK,
        location: { country: 'DE' },
        referrer: 'https://e.com/a',
        pages: { k2: { path: '/b', at: '2026-11-25T10:02:00.000Z' } },
        engagement: { k3: { ms: 4000, at: '2026-11-25T10:05:00.000Z' } },
      },
      {
        pk: PK,
        sk: 'VISIT#v1#k1',
        visitorId: VISITOR,
        network: NETWORK,
        location: { country: 'DE', city: 'Walldorf' },
        referrer: 'https://www.google.com/',
        pages: { k1: { path: '/a', title: 'A', at: '2026-11-25T10:00:00.000Z' } },
        engagement: { k4: { ms: 500, at: '2026-11-25T10:01:00.000Z' } },
      },
    ]);
    expect(others).toEqual([]);
    expect(visit).toEqual({
      visitId: 'v1',
      visitorId: VISITOR,
      network: NETWORK,
      location: { country: 'DE', city: 'Walldorf' },
      referrer: 'https://www.google.com/',
      startedAt: '2026-11-25T10:00:00.000Z',
      endedAt: '2026-11-25T10:05:00.000Z',
      pages: [{ path: '/a', title: 'A', at: '2026-11-25T10:00:00.000Z' }, { path: '/b', at: '2026-11-25T10:02:00.000Z' }],
      engagedMs: 4500,
      itemKeys: [{ pk: PK, sk: 'VISIT#v1#k2' }, { pk: PK, sk: 'VISIT#v1#k1' }],
    });
  });

  it('counts an event stored in two parts once, and keeps visits apart', () => {
    const page = { k1: { path: '/a', at: '2026-11-25T10:00:00.000Z' } };
    const visits = visitsFromItems([
      { pk: PK, sk: 'VISIT#v1#k1', visitorId: VISITOR, location: { country: 'DE' }, pages: page, engagement: {} },
      { pk: PK, sk: 'VISIT#v1#k0', visitorId: VISITOR, location: { country: 'DE' }, pages: { ...page, k0: { path: '/b', at: '2026-11-25T10:00:01.000Z' } }, engagement: {} },
      // A whole visit item, as stored before parts.
      { pk: PK, sk: 'VISIT#v2', visitorId: VISITOR, location: { country: 'DE' }, pages: page, engagement: {} },
    ]);
    expect(visits.map((visit) => [visit.visitId, visit.pages.map((p) => p.path)])).toEqual([
      ['v1', ['/a', '/b']],
      ['v2', ['/a']],
    ]);
  });
});
