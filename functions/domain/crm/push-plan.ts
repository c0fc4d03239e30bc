import type { AutoPushRule, PushField } from '../../contracts/api/crm';
import type { CrmStatus } from '../../contracts/api/crm-lead';
import type { Lead, Visit } from '../../contracts/api/leads';

/**
 * What a push sends for one lead, provider-neutral: the company (by its linked account, or created/updated by its
 * external id) with Eirlead's own fields as the connection's allow-list permits, and one note per visit not noted
 * before. Company-level only: organisation, counts, paths and times; never a visitor, a pseudonym or a location.
 * Each connector turns it into its CRM's requests (a dry run answers those requests).
 */
export interface CompanyPush {
  readonly leadId: string;
  /** Written to `eirlead_org_id` (HubSpot), `Eirlead_Org_Id__c` (Salesforce), the "Eirlead ID" field (Pipedrive). */
  readonly externalId: string;
  /**
   * `account`: the lead is matched or linked to this CRM account, which is updated. `external-id`: created or updated
   * by the external id; `create` holds the name and domain for the first push only, so later pushes never overwrite
   * what the CRM's users have changed since.
   */
  readonly target: { readonly kind: 'account'; readonly accountId: string } | { readonly kind: 'external-id'; readonly create?: { readonly name: string; readonly domain?: string } };
  readonly fields: CompanyFields;
  readonly notes: readonly VisitNote[];
  /** Visits noted by an earlier push. */
  readonly alreadyNoted: number;
}

export interface CompanyFields {
  readonly lastSeen?: string;
  readonly visits?: number;
  readonly pageviews?: number;
  readonly topPages?: string;
  readonly leadUrl?: string;
}

export interface VisitNote {
  readonly visitId: string;
  /** When the visit started: the note's time in the CRM's timeline. */
  readonly at: string;
  readonly text: string;
}

/** What earlier pushes of the lead did (the push record). */
export interface PushRecord {
  readonly accountId?: string;
  readonly notedVisits: readonly string[];
}

/** At most this many notes per push and lead; the rest follow with the next push. */
export const MAX_NOTES_PER_PUSH = 20;
/** The push record remembers at most this many visits, as many as the lead's detail holds. */
export const MAX_NOTED_VISITS = 100;
const MAX_TOP_PAGES_TEXT = 1000;
const MAX_PATHS_PER_NOTE = 20;

export function planCompanyPush(input: {
  readonly lead: Lead;
  /** The lead's visits (at most the newest 100, as its detail holds them). */
  readonly visits: readonly Visit[];
  readonly fields: readonly PushField[];
  readonly linkedAccountId?: string;
  readonly record?: PushRecord;
  readonly leadUrl?: string;
}): CompanyPush {
  const { lead, visits, fields, record } = input;
  const allowed = new Set(fields);
  const pushed: CompanyFields = {
    ...(allowed.has('lastSeen') ? { lastSeen: lead.lastSeenAt } : {}),
    ...(allowed.has('visits') ? { visits: lead.visits } : {}),
    ...(allowed.has('pageviews') ? { pageviews: lead.pageviews } : {}),
    ...(allowed.has('topPages') ? { topPages: topPagesText(lead.topPages) } : {}),
    ...(allowed.has('leadUrl') && input.leadUrl ? { leadUrl: input.leadUrl } : {}),
  };
  const noted = new Set(record?.notedVisits ?? []);
  const newVisits = allowed.has('visitNotes')
    ? [...visits].filter((visit) => !noted.has(visit.visitId)).sort((a, b) => a.startedAt.localeCompare(b.startedAt))
    : [];
  const accountId = input.linkedAccountId;
  return {
    leadId: lead.leadId,
    externalId: lead.leadId,
    target: accountId
      ? { kind: 'account', accountId }
      : {
          kind: 'external-id',
          ...(record?.accountId ? {} : { create: { name: lead.organisation.name, ...(lead.organisation.domain ? { domain: lead.organisation.domain } : {}) } }),
        },
    fields: pushed,
    notes: newVisits.slice(-MAX_NOTES_PER_PUSH).map((visit) => ({ visitId: visit.visitId, at: visit.startedAt, text: noteText(visit) })),
    alreadyNoted: allowed.has('visitNotes') ? visits.filter((visit) => noted.has(visit.visitId)).length : 0,
  };
}

/** The push record after a push: the account it reached and the visits noted (newest kept). */
export function nextPushRecord(previous: PushRecord | undefined, accountId: string, notedNow: readonly string[]): PushRecord {
  const visits = [...(previous?.notedVisits ?? []), ...notedNow];
  return { accountId, notedVisits: [...new Set(visits)].slice(-MAX_NOTED_VISITS) };
}

function topPagesText(pages: Lead['topPages']): string {
  const text = pages.map((page) => `${page.path} (${page.views})`).join(', ');
  return text.length <= MAX_TOP_PAGES_TEXT ? text : `${text.slice(0, MAX_TOP_PAGES_TEXT - 1)}…`;
}

const minute = (iso: string): string => iso.slice(11, 16);

function noteText(visit: Visit): string {
  const paths = visit.pages.map((page) => page.path);
  const listed = paths.slice(0, MAX_PATHS_PER_NOTE);
  const lines = [
    `Website visit (Eirlead): ${visit.startedAt.slice(0, 10)} ${minute(visit.startedAt)}–${minute(visit.endedAt)} UTC, ${paths.length} page${paths.length === 1 ? '' : 's'}`,
    ...listed.map((path) => `• ${path}`),
    ...(paths.length > listed.length ? [`… and ${paths.length - listed.length} more`] : []),
    ...(visit.referrer ? [`Referrer: ${visit.referrer}`] : []),
  ];
  return lines.join('\n');
}

/** Whether a lead meets a connection's auto-push rule; `status` is its CRM status, or `none` outside the CRM. */
export function meetsAutoPushRule(rule: AutoPushRule, lead: Lead, status: CrmStatus | 'none'): boolean {
  return (
    lead.visits >= rule.minVisits &&
    lead.pageviews >= rule.minPageviews &&
    rule.statuses.includes(status) &&
    (rule.countries === undefined || rule.countries.includes(lead.location.country))
  );
}

/** The link to a lead that a push may write: the configured template with the site and lead filled in. */
export function leadUrlOf(template: string | undefined, siteId: string, leadId: string): string | undefined {
  return template?.replaceAll('{siteId}', encodeURIComponent(siteId)).replaceAll('{leadId}', encodeURIComponent(leadId));
}
