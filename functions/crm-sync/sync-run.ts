import { randomUUID } from 'node:crypto';
import type { SyncRun } from '../contracts/api/crm';
import type { CrmJob } from '../contracts/crm-job';
import type { CrmRuntime } from '../contracts/deployment-config';
import type { CrmPusher } from '../adapters/crm/pusher';
import type { CrmSessions } from '../adapters/crm/sessions';
import { type CrmConnectionStore, type StoredConnection, type StoredCursor, type StoredStatus, type SyncFailure } from '../adapters/dynamodb/crm-connections';
import type { CopiedAccount, CrmCopyStore } from '../adapters/dynamodb/crm-copy';
import { ConnectionGoneError } from '../adapters/dynamodb/crm-guard';
import type { CrmLinkStore } from '../adapters/dynamodb/crm-links';
import type { LeadStore } from '../adapters/dynamodb/lead-store';
import type { CrmJobQueue } from '../adapters/sqs/crm-jobs';
import { CrmError, type CrmConnector } from '../domain/crm/connector';
import { type OpenDealsTotal, totalOpenDeals, type OpenDeal } from '../domain/crm/model';
import type { Logger } from '../platform/logger';
import { autoPush } from './auto-push';
import { matchLeads } from './match-leads';

/**
 * One sync of a connection, resumable across invocations: the accounts phase copies the CRM's accounts page by
 * page (the cursor saved after each page), the deals phase sums open deals per account, and the finishing phase
 * attaches the totals, matches the site's leads and writes the status. An invocation that nears its time limit
 * saves the cursor and queues a continuation; a CRM that asks to wait longer than a request may (429 with
 * `Retry-After`) gets a continuation delayed by that wait. A CRM's refusal ends the run as failed, with the CRM's
 * own status, code and message in the sync status: never an error of ours, never a retry storm.
 */
export interface SyncDependencies {
  readonly connections: CrmConnectionStore;
  readonly copy: CrmCopyStore;
  readonly links: CrmLinkStore;
  readonly leads: LeadStore;
  readonly sessions: CrmSessions;
  readonly jobs: CrmJobQueue;
  readonly pusher: CrmPusher;
  readonly runtime: CrmRuntime;
  readonly logger: Logger;
  readonly clock?: () => Date;
}

/** Left for saving the cursor and queuing the continuation when an invocation stops. */
export const STOP_MARGIN_MS = 60_000;
/** A cursor not saved for this long belongs to a run whose continuation was lost: a new sync starts afresh. */
const ABANDONED_AFTER_MS = 15 * 60_000;
const EMPTY_STATUS: StoredStatus = { failures: [], accounts: 0 };

export class CrmSyncRunner {
  constructor(private readonly deps: SyncDependencies) {}

  private now(): Date {
    return (this.deps.clock ?? (() => new Date()))();
  }

  async run(job: CrmJob, remainingMs: () => number): Promise<void> {
    const { connections, logger } = this.deps;
    const connection = await connections.get(job.siteId);
    if (!connection || connection.connectionId !== job.connectionId || connection.status !== 'active') {
      logger.info('CRM job for a connection that is gone', { siteId: job.siteId, connectionId: job.connectionId, kind: job.kind });
      return;
    }
    try {
      if (job.kind === 'match') return await this.matchOnly(connection);
      const status = (await connections.status(job.siteId)) ?? EMPTY_STATUS;
      const cursor = await this.cursorFor(job, connection, status);
      if (!cursor) return;
      await this.continueRun(connection, status, cursor, remainingMs);
    } catch (error) {
      // A disconnect overtook the run: its writes were refused, and the connection's data is gone.
      if (error instanceof ConnectionGoneError) return void logger.info('CRM connection removed during its sync', { siteId: job.siteId });
      throw error;
    }
  }

  /** The run this job starts or continues; undefined when there is nothing to do (a run is under way, or stale). */
  private async cursorFor(job: CrmJob, connection: StoredConnection, status: StoredStatus): Promise<StoredCursor | undefined> {
    const existing = await this.deps.connections.cursor(connection.siteId);
    const now = this.now();
    if (job.kind === 'continue') return existing && existing.runId === job.runId ? { ...existing, invocations: existing.invocations + 1 } : undefined;
    if (existing && now.getTime() - Date.parse(existing.updatedAt) < ABANDONED_AFTER_MS) {
      this.deps.logger.info('CRM sync already under way', { siteId: connection.siteId, runId: existing.runId });
      return undefined;
    }
    const lastRun = status.lastRun;
    const fullDue = !status.lastFullSyncAt || now.getTime() - Date.parse(status.lastFullSyncAt) >= this.deps.runtime.fullSyncEveryDays * 86_400_000;
    const incremental = !fullDue && lastRun?.outcome === 'succeeded';
    return {
      runId: randomUUID(),
      mode: incremental ? 'incremental' : 'full',
      reason: job.reason,
      startedAt: now.toISOString(),
      phase: 'accounts',
      ...(incremental && lastRun ? { modifiedSince: lastRun.startedAt } : {}),
      read: { accounts: 0, openDeals: 0 },
      written: { accounts: 0, links: 0 },
      apiCalls: 0,
      invocations: 1,
      updatedAt: now.toISOString(),
    };
  }

  private async continueRun(connection: StoredConnection, status: StoredStatus, start: StoredCursor, remainingMs: () => number): Promise<void> {
    const { connections, copy, runtime } = this.deps;
    const { siteId, connectionId } = connection;
    const connector = await this.deps.sessions.open(connection);
    let cursor: StoredCursor = { ...start, ...(start.phase === 'deals' ? { providerCursor: undefined } : {}) };
    const { queuedAt: _queued, ...statusWithoutQueue } = status;
    let current: StoredStatus = statusWithoutQueue;
    const save = async (outcome: SyncRun['outcome']) => {
      cursor = { ...cursor, apiCalls: start.apiCalls + connector.usage().calls, updatedAt: this.now().toISOString() };
      current = { ...current, lastRun: runOf(cursor, outcome, this.now()), ...usageOf(connector) };
      await connections.putStatus(siteId, connectionId, current);
    };
    await save('running');
    // Open deals are summed in memory: a run stopped in this phase counts them again from the first page.
    const deals: OpenDeal[] = [];
    try {
      for (;;) {
        if (remainingMs() < STOP_MARGIN_MS) return await this.pause(connection, cursor, save, 0);
        if (cursor.phase === 'accounts') {
          const page = await connector.listAccounts({ ...(cursor.providerCursor ? { cursor: cursor.providerCursor } : {}), ...(cursor.modifiedSince ? { modifiedSince: cursor.modifiedSince } : {}) });
          const syncedAt = this.now().toISOString();
          await copy.put(siteId, connectionId, page.items.map((account) => ({ ...account, syncedAt })), runtime.copyDays);
          const { providerCursor: _done, ...rest } = cursor;
          cursor = {
            ...(page.next ? { ...cursor, providerCursor: page.next } : { ...rest, phase: 'deals' as const }),
            read: { ...cursor.read, accounts: cursor.read.accounts + page.items.length },
            written: { ...cursor.written, accounts: cursor.written.accounts + page.items.length },
          };
          await connections.putCursor(siteId, connectionId, { ...cursor, apiCalls: start.apiCalls + connector.usage().calls, updatedAt: this.now().toISOString() });
          continue;
        }
        const page = await connector.listOpenDeals(cursor.providerCursor ? { cursor: cursor.providerCursor } : {});
        deals.push(...page.items);
        if (page.next) {
          cursor = { ...cursor, providerCursor: page.next };
          continue;
        }
        cursor = { ...cursor, read: { ...cursor.read, openDeals: deals.length } };
        break;
      }
    } catch (error) {
      if (!(error instanceof CrmError)) throw error;
      if (error.kind === 'rate-limited' && error.details.retryAfterMs !== undefined) return await this.pause(connection, cursor, save, error.details.retryAfterMs, error);
      current = { ...current, failures: [failureOf(error, cursor.phase, this.now()), ...current.failures] };
      await save('failed');
      await connections.deleteCursor(siteId, connectionId);
      this.deps.logger.warn('CRM sync failed', { siteId, kind: error.kind, status: error.details.status });
      return;
    }
    await this.finish(connection, connector, cursor, totalOpenDeals(deals), current, start.apiCalls);
  }

  /** Saves the cursor and queues the run's continuation, after `waitMs` (a CRM's Retry-After) at the soonest. */
  private async pause(connection: StoredConnection, cursor: StoredCursor, save: (outcome: SyncRun['outcome']) => Promise<void>, waitMs: number, error?: CrmError): Promise<void> {
    const { siteId, connectionId } = connection;
    await this.deps.connections.putCursor(siteId, connectionId, { ...cursor, updatedAt: this.now().toISOString() });
    await save(error ? 'paused' : 'running');
    await this.deps.jobs.send({ kind: 'continue', siteId, connectionId, reason: 'continuation', runId: cursor.runId, at: this.now().toISOString() }, waitMs / 1000);
    this.deps.logger.info('CRM sync continues in the next invocation', { siteId, runId: cursor.runId, waitMs, rateLimited: error !== undefined });
  }

  private async finish(
    connection: StoredConnection,
    connector: CrmConnector,
    cursor: StoredCursor,
    totals: Map<string, OpenDealsTotal>,
    status: StoredStatus,
    earlierCalls: number,
  ): Promise<void> {
    const { connections, copy, runtime } = this.deps;
    const { siteId, connectionId } = connection;
    // After a full sync, accounts it did not see are gone from the CRM; after an incremental one, those the last
    // full sync saw still count.
    const fullStartedAt = cursor.mode === 'full' ? cursor.startedAt : status.lastFullSyncStartedAt;
    const accounts = await copy.all(siteId, fullStartedAt);
    const changed: CopiedAccount[] = [];
    const withDeals = accounts.map((account) => {
      const deals = totals.get(account.accountId);
      if (JSON.stringify(deals) === JSON.stringify(account.deals)) return account;
      const { deals: _old, ...rest } = account;
      const updated: CopiedAccount = deals ? { ...rest, deals } : rest;
      changed.push(updated);
      return updated;
    });
    await copy.put(siteId, connectionId, changed, runtime.copyDays);
    const matched = await matchLeads({ siteId, connectionId, provider: connection.provider, accounts: withDeals, leads: this.deps.leads, links: this.deps.links, copyDays: runtime.copyDays, refreshAll: true });
    // Pushes by rule go after matching, so a rule on CRM status sees today's status; seen since the last success.
    const lastStart = status.lastRun?.outcome === 'succeeded' ? status.lastRun.startedAt : undefined;
    const pushed = await autoPush({ connection, connector, pusher: this.deps.pusher, leads: matched.leads, views: matched.views, ...(lastStart ? { seenSince: lastStart } : {}) });
    const now = this.now();
    const written = { ...cursor.written, links: matched.links, ...(connection.settings.autoPush ? { pushed: pushed.pushed } : {}) };
    const finished: StoredCursor = { ...cursor, apiCalls: earlierCalls + connector.usage().calls, written };
    await connections.putStatus(siteId, connectionId, {
      ...status,
      ...usageOf(connector),
      lastRun: runOf(finished, 'succeeded', now),
      lastSuccessAt: now.toISOString(),
      lastMatchAt: now.toISOString(),
      ...(cursor.mode === 'full' ? { lastFullSyncAt: now.toISOString(), lastFullSyncStartedAt: cursor.startedAt } : {}),
      accounts: withDeals.length,
    });
    await connections.deleteCursor(siteId, connectionId);
    await connections.touch(siteId, connectionId);
    this.deps.logger.info('CRM sync done', { siteId, mode: cursor.mode, accounts: withDeals.length, links: matched.links, invocations: cursor.invocations });
  }

  /** The hourly pass: leads seen since the last sync matched against the copy as it is, nothing asked of the CRM. */
  private async matchOnly(connection: StoredConnection): Promise<void> {
    const { connections, copy, runtime } = this.deps;
    const status = (await connections.status(connection.siteId)) ?? EMPTY_STATUS;
    if (!status.lastSuccessAt) return;
    const accounts = await copy.all(connection.siteId, status.lastFullSyncStartedAt);
    await matchLeads({ siteId: connection.siteId, connectionId: connection.connectionId, provider: connection.provider, accounts, leads: this.deps.leads, links: this.deps.links, copyDays: runtime.copyDays, refreshAll: false });
    await connections.putStatus(connection.siteId, connection.connectionId, { ...status, lastMatchAt: this.now().toISOString() });
  }
}

function runOf(cursor: StoredCursor, outcome: SyncRun['outcome'], now: Date): SyncRun {
  return {
    mode: cursor.mode,
    reason: cursor.reason,
    startedAt: cursor.startedAt,
    ...(outcome === 'succeeded' || outcome === 'failed' ? { finishedAt: now.toISOString() } : {}),
    outcome,
    phase: outcome === 'succeeded' ? 'done' : cursor.phase,
    read: cursor.read,
    written: cursor.written,
    apiCalls: cursor.apiCalls,
    invocations: cursor.invocations,
  };
}

function usageOf(connector: CrmConnector): Pick<StoredStatus, 'usage'> {
  const allocation = connector.usage().allocation;
  return allocation ? { usage: { used: allocation.used, limit: allocation.limit, window: 'day' } } : {};
}

export function failureOf(error: CrmError, phase: string, at: Date): SyncFailure {
  return {
    at: at.toISOString(),
    phase,
    ...(error.details.status ? { status: error.details.status } : {}),
    code: error.details.code ?? error.kind,
    message: error.providerMessage,
  };
}

