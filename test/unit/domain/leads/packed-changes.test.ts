import fc from 'fast-check';
import { packChanges, unpackChanges } from '../../../../functions/domain/leads/packed-changes';

const path = fc.stringMatching(/^\/[a-z0-9/_-]{0,60}$/);
const recent = fc.record(
  {
    firstSeenAt: fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
    lastSeenAt: fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
    visits: fc.nat(),
    pageviews: fc.nat(),
    engagedMs: fc.nat(),
    pageCounts: fc.dictionary(fc.oneof(path, fc.nat(14).map(String)), fc.nat()),
  },
  { requiredKeys: [] },
);

describe("a lead's changes since listing, packed", () => {
  it('gives back exactly what was packed, whatever the changes and paths', () => {
    fc.assert(
      fc.property(recent, fc.array(path, { maxLength: 5 }), (changes, lastPaths) => {
        const packed = packChanges({ recent: changes, lastPaths });
        const hasAny = Object.keys(changes).length > 0 || lastPaths.length > 0;
        expect(packed !== undefined).toBe(hasAny);
        if (!packed) return;
        expect(unpackChanges(packed)).toEqual({
          ...(Object.keys(changes).length > 0 ? { recent: changes } : {}),
          ...(lastPaths.length > 0 ? { lastPaths } : {}),
        });
      }),
    );
  });

  it('is smaller than the JSON of a busy lead', () => {
    const pageCounts = Object.fromEntries(['/product/vibration-monitoring', '/product/temperature-sensors', '/blog/predictive-maintenance-roi-calculator', '/customers', '/pricing'].map((p, i) => [p, i + 1]));
    const changes = { recent: { lastSeenAt: '2026-12-05T11:51:46.159Z', visits: 18, pageviews: 44, pageCounts }, lastPaths: ['/customers', '/pricing'] };
    expect(packChanges(changes)!.length).toBeLessThan(JSON.stringify(changes).length * 0.8);
  });

  it('refuses a format it does not know, and a body cut short', () => {
    const packed = packChanges({ lastPaths: ['/pricing'] })!;
    expect(() => unpackChanges(Uint8Array.of(2, ...packed.subarray(1)))).toThrow(/format 2/);
    expect(() => unpackChanges(packed.subarray(0, packed.length - 2))).toThrow();
  });
});
