import type { ExportFormat } from '../../contracts/api/exports';
import type { Lead, Visit } from '../../contracts/api/leads';

/** How exported leads are written: NDJSON (one lead a line, as the API shows it) or CSV (RFC 4180). Pure. */

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  ndjson: 'application/x-ndjson',
};

export const exportFileName = (job: { siteId: string; exportId: string; format: ExportFormat }): string =>
  `eirlead-${job.siteId}-${job.exportId}.${job.format}`;

export const exportObjectKey = (job: { siteId: string; exportId: string; format: ExportFormat }): string =>
  `${job.siteId}/${job.exportId}.${job.format}`;

const LEAD_COLUMNS = [
  'leadId',
  'organisation',
  'domain',
  'asn',
  'country',
  'region',
  'city',
  'matchSource',
  'confidence',
  'network',
  'class',
  'firstSeenAt',
  'lastSeenAt',
  'visits',
  'pageviews',
  'engagedSeconds',
  'topPages',
  'expiresAt',
];
const VISIT_COLUMNS = ['visitId', 'visitStartedAt', 'visitEndedAt', 'referrer', 'visitPages'];

/**
 * One CSV field. Quoted when it holds a separator, a quote or a line break; and a field a spreadsheet would read
 * as a formula (`=`, `+`, `-`, `@`, tab, carriage return first: page titles and paths come from visitors'
 * browsers) is prefixed with `'` (OWASP "CSV injection").
 */
export function csvField(value: string | number | undefined): string {
  if (value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const leadFields = (lead: Lead): (string | number | undefined)[] => [
  lead.leadId,
  lead.organisation.name,
  lead.organisation.domain,
  lead.organisation.asn,
  lead.location.country,
  lead.location.region,
  lead.location.city,
  lead.match.source,
  lead.match.confidence,
  lead.match.network,
  lead.match.class,
  lead.firstSeenAt,
  lead.lastSeenAt,
  lead.visits,
  lead.pageviews,
  lead.engagedSeconds,
  lead.topPages.map(({ path, views }) => `${path} ${views}`).join('; '),
  lead.expiresAt,
];

const visitFields = (visit: Visit | undefined): (string | undefined)[] =>
  visit ? [visit.visitId, visit.startedAt, visit.endedAt, visit.referrer, visit.pages.map((page) => page.path).join(' > ')] : VISIT_COLUMNS.map(() => undefined);

const csvLine = (fields: (string | number | undefined)[]): string => `${fields.map(csvField).join(',')}\r\n`;

export const exportHeader = (format: ExportFormat, withVisits: boolean): string =>
  format === 'csv' ? csvLine(withVisits ? [...LEAD_COLUMNS, ...VISIT_COLUMNS] : LEAD_COLUMNS) : '';

/** The lines of one lead: NDJSON one line (with `visits` as a list when asked); CSV one row, or one row per visit. */
export function exportLines(format: ExportFormat, lead: Lead, visits?: readonly Visit[]): string {
  if (format === 'ndjson') return `${JSON.stringify(visits ? { ...lead, visits } : lead)}\n`;
  if (!visits) return csvLine(leadFields(lead));
  if (visits.length === 0) return csvLine([...leadFields(lead), ...visitFields(undefined)]);
  return visits.map((visit) => csvLine([...leadFields(lead), ...visitFields(visit)])).join('');
}
