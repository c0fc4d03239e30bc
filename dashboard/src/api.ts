import type { Annotation, SessionInfo, View } from '../../functions/contracts/api/dashboard';
import type { Lead, LeadWithVisits } from '../../functions/contracts/api/leads';
import type { AccessResult, AuditRecord, ErasureResult } from '../../functions/contracts/api/privacy';
import type { HiddenOrganisation } from '../../functions/contracts/api/hidden';
import type { ExportJob, ExportRequest } from '../../functions/contracts/api/exports';
import type { Connection, PushResultSchema, SyncStatus } from '../../functions/contracts/api/crm';
import type { AlertEndpoint, AlertRule, AlertRuleRequest } from '../../functions/contracts/api/alerts';
import type { ApiKeySummary, ApiScope } from '../../functions/contracts/api/api-keys';

export type { Annotation, SessionInfo, View, Lead, LeadWithVisits, AccessResult, AuditRecord, ErasureResult, HiddenOrganisation, ExportJob, ExportRequest };
export type PushResult = import('zod').infer<typeof PushResultSchema>;
export type { Connection, SyncStatus, AlertEndpoint, AlertRule, AlertRuleRequest, ApiKeySummary, ApiScope };
export type Role = NonNullable<SessionInfo['role']>;

/**
 * The v1 API from the page: same origin, the session cookie goes along by itself (HttpOnly: no script reads it).
 * Relative URLs, so the app works under API Gateway's stage prefix. A 401 means the session ended: to the sign-in
 * page.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues: ReadonlyArray<{ path: string; message: string }> = [],
  ) {
    super(message);
  }
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (response.status === 401) {
    location.assign('sign-in');
    throw new ApiError(401, 'Signed out');
  }
  if (response.status === 204) return undefined as T;
  const payload = (await response.json().catch(() => ({}))) as { error?: { message?: string; issues?: Array<{ path: string; message: string }> } };
  if (!response.ok) throw new ApiError(response.status, payload.error?.message ?? `HTTP ${response.status}`, payload.error?.issues ?? []);
  return payload as T;
}

/**
 * A GET with If-None-Match: `undefined` while the copy named by `etag` is current (304, no body sent), else the
 * answer with its ETag. The API answers `no-store`, so the browser's cache cannot do this by itself.
 */
async function ifChanged<T>(path: string, etag: string | undefined): Promise<{ body: T; etag: string | undefined } | undefined> {
  const response = await fetch(path, { credentials: 'same-origin', headers: { Accept: 'application/json', ...(etag ? { 'If-None-Match': etag } : {}) } });
  if (response.status === 304) return undefined;
  if (response.status === 401) {
    location.assign('sign-in');
    throw new ApiError(401, 'Signed out');
  }
  if (!response.ok) throw new ApiError(response.status, `HTTP ${response.status}`);
  return { body: (await response.json()) as T, etag: response.headers.get('ETag') ?? undefined };
}

const site = (siteId: string) => `v1/sites/${encodeURIComponent(siteId)}`;
const query = (parameters: Record<string, string | undefined>): string => {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) if (value !== undefined && value !== '') search.set(name, value);
  const text = search.toString();
  return text ? `?${text}` : '';
};

export const api = {
  session: () => request<SessionInfo>('GET', 'v1/session'),
  leads: (siteId: string, parameters: Record<string, string | undefined>) =>
    request<{ items: Lead[]; nextCursor: string | null }>('GET', `${site(siteId)}/leads${query(parameters)}`),
  leadsIfChanged: (siteId: string, parameters: Record<string, string | undefined>, etag: string | undefined) =>
    ifChanged<{ items: Lead[]; nextCursor: string | null }>(`${site(siteId)}/leads${query(parameters)}`, etag),
  lead: (siteId: string, leadId: string) => request<LeadWithVisits>('GET', `${site(siteId)}/leads/${encodeURIComponent(leadId)}`),
  eraseLead: (siteId: string, leadId: string) => request<void>('DELETE', `${site(siteId)}/leads/${encodeURIComponent(leadId)}`),
  views: (siteId: string) => request<{ items: View[] }>('GET', `${site(siteId)}/views`),
  saveView: (siteId: string, view: { name: string; filters: Record<string, string>; shared: boolean }) => request<View>('POST', `${site(siteId)}/views`, view),
  deleteView: (siteId: string, viewId: string) => request<void>('DELETE', `${site(siteId)}/views/${encodeURIComponent(viewId)}`),
  annotations: (siteId: string, leadIds: readonly string[]) =>
    leadIds.length === 0 ? Promise.resolve({ items: [] as Annotation[] }) : request<{ items: Annotation[] }>('GET', `${site(siteId)}/annotations${query({ leadIds: leadIds.join(',') })}`),
  annotate: (siteId: string, leadId: string, annotation: { tags: string[]; assignedToMe: boolean }) =>
    request<Annotation>('POST', `${site(siteId)}/leads/${encodeURIComponent(leadId)}/annotation`, annotation),
  hide: (siteId: string, rule: { asn: number } | { domain: string } | { name: string }) => request<HiddenOrganisation>('POST', `${site(siteId)}/hidden-organisations`, rule),
  hidden: (siteId: string) => request<{ items: HiddenOrganisation[] }>('GET', `${site(siteId)}/hidden-organisations`),
  show: (siteId: string, hiddenId: string) => request<void>('DELETE', `${site(siteId)}/hidden-organisations/${encodeURIComponent(hiddenId)}`),
  access: (siteId: string, body: { ip: string; from: string; to: string; userAgent?: string }) => request<AccessResult>('POST', `${site(siteId)}/access-requests`, body),
  erase: (siteId: string, body: { ip: string; from: string; to: string; userAgent?: string }) => request<ErasureResult>('POST', `${site(siteId)}/erasure-requests`, body),
  startExport: (siteId: string, body: ExportRequest) => request<ExportJob>('POST', `${site(siteId)}/exports`, body),
  exportJob: (siteId: string, exportId: string) => request<ExportJob>('GET', `${site(siteId)}/exports/${encodeURIComponent(exportId)}`),
  push: (siteId: string, body: { leadIds: string[]; dryRun: boolean }) => request<PushResult>('POST', `${site(siteId)}/crm/push`, body),
  crmConnections: (siteId: string) => request<{ items: Connection[] }>('GET', `${site(siteId)}/crm/connections`),
  crmStatus: (siteId: string, connectionId: string) => request<SyncStatus>('GET', `${site(siteId)}/crm/connections/${encodeURIComponent(connectionId)}/status`),
  disconnectCrm: (siteId: string, connectionId: string) => request<unknown>('DELETE', `${site(siteId)}/crm/connections/${encodeURIComponent(connectionId)}`),
  alertRules: (siteId: string) => request<{ items: AlertRule[] }>('GET', `${site(siteId)}/alert-rules`),
  alertEndpoints: (siteId: string) => request<{ items: AlertEndpoint[] }>('GET', `${site(siteId)}/alert-endpoints`),
  createAlertRule: (siteId: string, rule: Partial<AlertRuleRequest> & Pick<AlertRuleRequest, 'name' | 'endpointIds'>) =>
    request<AlertRule>('POST', `${site(siteId)}/alert-rules`, rule),
  deleteAlertRule: (siteId: string, ruleId: string) => request<void>('DELETE', `${site(siteId)}/alert-rules/${encodeURIComponent(ruleId)}`),
  apiKeys: () => request<{ items: ApiKeySummary[] }>('GET', 'v1/api-keys'),
  createApiKey: (body: { sites: string[]; scopes: ApiScope[]; days: number }) => request<ApiKeySummary & { apiKey: string }>('POST', 'v1/api-keys', body),
  revokeApiKey: (keyId: string) => request<void>('DELETE', `v1/api-keys/${encodeURIComponent(keyId)}`),
  audit: (siteId: string, cursor?: string) => request<{ items: AuditRecord[]; nextCursor: string | null }>('GET', `${site(siteId)}/audit${query({ limit: '100', cursor })}`),
};

/** Whether the session may do this (the API checks again; this only hides what would be refused). */
export const may = (session: SessionInfo, scope: SessionInfo['scopes'][number]): boolean => session.scopes.includes(scope);
