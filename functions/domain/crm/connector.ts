import type { PlannedRequest, PushField } from '../../contracts/api/crm';
import type { CrmProvider } from '../../contracts/api/crm-lead';
import type { CrmAccount, OpenDeal } from './model';
import type { CompanyPush } from './push-plan';

/**
 * The port every CRM connector implements (functions/adapters/crm/<provider>.ts): a fourth CRM is a file that
 * implements it, plus one line in the registry (functions/adapters/crm/registry.ts). Connectors are thin typed
 * clients of the CRM's REST API; they keep their own pace within the CRM's rate limits and throw `CrmError` for
 * anything the CRM refuses, with the CRM's own status, code and message.
 */
export interface CrmConnector {
  readonly provider: CrmProvider;
  /**
   * Checks the credentials, the scopes or permissions the integration needs and the custom fields the allow-list
   * writes; answers the CRM account the credentials open and what later calls need to know about it.
   */
  verify(fields: readonly PushField[]): Promise<VerifiedConnection>;
  /** A page of accounts, all of them or those changed since `modifiedSince`; `next` continues the listing. */
  listAccounts(request: { readonly cursor?: string; readonly modifiedSince?: string }): Promise<Page<CrmAccount>>;
  /** A page of open deals (opportunities), for their count and total per account. */
  listOpenDeals(request: { readonly cursor?: string }): Promise<Page<OpenDeal>>;
  /** Exactly the requests `push` sends, without sending them (a dry run). */
  planPush(push: CompanyPush): PlannedRequest[];
  push(push: CompanyPush): Promise<PushOutcome>;
  /** Revokes the credentials at the CRM where it offers a call for it. */
  revoke(): Promise<'revoked' | 'not-supported'>;
  /** Requests sent so far, and the CRM's API allocation as it last reported it. */
  usage(): ApiUsage;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly next?: string;
}

export interface VerifiedConnection {
  readonly account: { readonly id: string; readonly name?: string };
  /** Kept with the connection and handed back to the connector (field keys, URLs of the CRM's own UI). */
  readonly state: Readonly<Record<string, unknown>>;
}

export interface PushOutcome {
  readonly accountId: string;
  readonly created: boolean;
  /** Visits whose note the CRM accepted. */
  readonly notedVisits: readonly string[];
  /** The company was written but (some of) its notes were not: recorded, and tried again by the next push. */
  readonly notesError?: CrmError;
}

export interface ApiUsage {
  readonly calls: number;
  readonly allocation?: { readonly used: number; readonly limit: number };
}

/**
 * - `auth`: the credentials are wrong or revoked (401, or a refused token request);
 * - `scope`: they lack a scope or permission the integration needs;
 * - `missing-field`: a custom field or property the integration writes does not exist (or is not unique/external);
 * - `rate-limited`: the CRM asked to wait longer than the caller can (`retryAfterMs`), or a daily allocation is spent;
 * - `unavailable`: no answer, or 5xx after retries;
 * - `rejected`: the CRM refused the request (validation, 400/404/409/422);
 * - `bad-answer`: an answer that is not what the CRM documents.
 */
export type CrmErrorKind = 'auth' | 'scope' | 'missing-field' | 'rate-limited' | 'unavailable' | 'rejected' | 'bad-answer';

export class CrmError extends Error {
  constructor(
    readonly kind: CrmErrorKind,
    readonly provider: CrmProvider,
    /** The CRM's own message (or ours where it sent none), for the caller and the sync status. */
    readonly providerMessage: string,
    readonly details: { readonly status?: number; readonly code?: string; readonly retryAfterMs?: number; readonly missing?: readonly string[] } = {},
  ) {
    super(`${provider}: ${kind}: ${providerMessage}`);
    this.name = 'CrmError';
  }
}
