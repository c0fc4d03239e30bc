/**
 * Open visits in format 1 (8-byte visitor keys, 6-byte event keys), as packOpenVisits wrote them at d5d8a41, for
 * the tests that read items written before format 2:
 * - visitor key 0123456789abcdef: events "e-0", "e-1", "e-2", at 2026-12-05T06:40:49Z, 2 pages, last page `et2kr4`
 *   twice, its id derived then (52f6c08a0b576bd4f440ad08);
 * - visitor key 00000000000000ff: event "g-0", 3 day pages, id `legacy-visit-id` stored.
 */
export const FORMAT_1_OPEN = Buffer.from(
  '010123456789abcdef6b13b1f102026574326b72340000030e5501077799b94f523196aa761d230a06e600000000000000ff6b13b2240100030f6c65676163792d76697369742d696401f060319a77c4',
  'hex',
);
export const FORMAT_1_VISIT_ID = '52f6c08a0b576bd4f440ad08';
