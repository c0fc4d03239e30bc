import { EXAMPLE_LEAD, EXAMPLE_LEAD_WITH_VISITS } from '../../../../functions/contracts/routes/examples';
import { csvField, exportHeader, exportLines } from '../../../../functions/domain/leads/export-format';

/** How exported leads are written: RFC 4180 CSV a spreadsheet opens safely, and NDJSON as the API shows leads. */
const { visits, ...leadFromDetail } = EXAMPLE_LEAD_WITH_VISITS;

describe('csvField', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
  ])('%j is written %j', (value, written) => expect(csvField(value)).toBe(written));

  it.each(['=HYPERLINK("http://x")', '+1', '-2+3', '@SUM(A1)', '\tx', '\rx'])(
    'a field a spreadsheet would run as a formula (%j) starts with a quote mark',
    (value) => expect(csvField(value).replace(/^"/, '').startsWith(`'${value[0]}`)).toBe(true),
  );

  it('numbers are written as they are (a negative number is no formula), and a missing field is empty', () => {
    expect([csvField(-3), csvField(42), csvField(undefined)]).toEqual(['-3', '42', '']);
  });
});

describe('exportLines', () => {
  it('NDJSON: one lead a line, as the API shows it; with visits, the visits as a list', () => {
    expect(JSON.parse(exportLines('ndjson', EXAMPLE_LEAD))).toEqual(EXAMPLE_LEAD);
    expect(JSON.parse(exportLines('ndjson', leadFromDetail as typeof EXAMPLE_LEAD, visits))).toEqual({ ...leadFromDetail, visits });
    expect(exportHeader('ndjson', true)).toBe('');
  });

  it('CSV: a header and one row a lead, as many fields as columns, CRLF line ends', () => {
    const header = exportHeader('csv', false);
    const row = exportLines('csv', EXAMPLE_LEAD);
    expect(header.endsWith('\r\n') && row.endsWith('\r\n')).toBe(true);
    expect(header.split(',')).toHaveLength(row.split(',').length);
    expect(row.startsWith(`${EXAMPLE_LEAD.leadId},${EXAMPLE_LEAD.organisation.name}`)).toBe(true);
  });

  it('CSV with visits: one row a visit (the lead repeated), or one row with empty visit columns', () => {
    const rows = exportLines('csv', leadFromDetail as typeof EXAMPLE_LEAD, visits).split('\r\n').filter(Boolean);
    expect(rows).toHaveLength(visits.length);
    expect(exportHeader('csv', true).split(',')).toHaveLength(exportHeader('csv', false).split(',').length + 5);
    expect(exportLines('csv', EXAMPLE_LEAD, []).trimEnd().endsWith(',,,,')).toBe(true);
  });
});
