import { randomBytes } from 'node:crypto';
import type { APIGatewayProxyResult } from 'aws-lambda';
import {
  type Connection,
  ConnectionSettingsSchema,
  CreateConnectionRequestSchema,
  type DisconnectReceipt,
  LinkRequestSchema,
  PushRequestSchema,
  type SyncStatus,
} from '../contracts/api/crm';
import type { CrmJob } from '../contracts/crm-job';
import type { CrmRuntime, Retention } from '../contracts/deployment-config';
import type { Route } from '../contracts/routes';
import type { CrmPusher } from '../adapters/crm/pusher';
import { CREDENTIALS_SCHEMAS, type CrmSessions } from '../adapters/crm/sessions';
import type { AuditLog } from '../adapters/dynamodb/audit-log';
import type { CrmConnectionStore, StoredConnection, StoredStatus } from '../adapters/dynamodb/crm-connections';
import type { CrmCopyStore } from '../adapters/dynamodb/crm-copy';
import type { CrmErasure } from '../adapters/dynamodb/crm-erasure';
import type { CrmLinkStore } from '../adapters/dynamodb/crm-links';
import type { LeadStore } from '../adapters/dynamodb/lead-store';
import type { CrmJobQueue } from '../adapters/sqs/crm-jobs';
import { leadView } from '../domain/crm/model';
import { HttpError, json, noContent, notFound, parseWith } from '../platform/http';
import type { Logger } from '../platform/logger';
import { askingCrm } from './crm-errors';

export interface CrmApiDependencies {
  readonly connections: CrmConnectionStore;
  readonly copy: CrmCopyStore;
  readonly links: CrmLinkStore;
  readonly erasure: CrmErasure;
  readonly sessions: CrmSessions;
  readonly pusher: CrmPusher;
  readonly leads: LeadStore;
  readonly audit: AuditLog;
  readonly jobs: CrmJobQueue;
  readonly runtime: CrmRuntime;
  readonly retention: Retention;
  readonly logger: Logger;
  readonly clock?: () => Date;
}

export type CrmOperationId = Extract<Route, { function: 'crmApi' }>['operationId'];

export interface CrmRequest {
  readonly siteId: string;
  readonly keyId: string;
  readonly connectionId: string;
  readonly leadId: string;
  /** The JSON body, read only by operations that take one (415 and 400 otherwise). */
  readonly body: () => unknown;
}

/** What the API shows of a connection: the credentials' last four characters and when they were set, no more. */
export function connectionView(connection: Omit<StoredConnection, 'status' | 'expiresAt'>): Connection {
  return {
    connectionId: connection.connectionId,
    provider: connection.provider,
    account: connection.account,
    credentials: { lastFour: connection.lastFour, setAt: connection.credentialsSetAt },
    settings: connection.settings,
    createdAt: connection.createdAt,
  };
}

const EMPTY_STATUS: StoredStatus = { failures: [], accounts: 0 };

export function crmOperations(deps: CrmApiDependencies): Record<CrmOperationId, (request: CrmRequest) => Promise<APIGatewayProxyResult>> {
  const { connections, sessions, audit, logger } = deps;
  const now = () => (deps.clock ?? (() => new Date()))();

  /** The site's live connection with this id, or 404. */
  async function connectionOf(siteId: string, connectionId: string): Promise<StoredConnection> {
    const connection = await connections.get(siteId);
    if (!connection || connection.connectionId !== connectionId || connection.status !== 'active') throw notFound(`Site ${siteId} has no CRM connection ${connectionId}`);
    return connection;
  }

  /** The site's live connection, or 409: pushing and linking need one. */
  async function siteConnection(siteId: string): Promise<StoredConnection> {
    const connection = await connections.get(siteId);
    if (!connection || connection.status !== 'active') throw new HttpError(409, 'Conflict', `Site ${siteId} has no CRM connection`);
    return connection;
  }

  async function queueSync(siteId: string, connectionId: string, at: Date): Promise<void> {
    const job: CrmJob = { kind: 'sync', siteId, connectionId, reason: 'api', at: at.toISOString() };
    await deps.jobs.send(job);
    const status = (await connections.status(siteId)) ?? EMPTY_STATUS;
    await connections.putStatus(siteId, connectionId, { ...status, queuedAt: at.toISOString() });
  }

  return {
    createCrmConnection: async ({ siteId, keyId, body }) => {
      const request = parseWith(CreateConnectionRequestSchema, body());
      const settings = request.settings ?? ConnectionSettingsSchema.parse({});
      // An expired connection still holds the slot until a disconnect erases it and its copy.
      if (await connections.exists(siteId)) throw new HttpError(409, 'Conflict', `Site ${siteId} already has a CRM connection; disconnect it first`);
      const verified = await askingCrm(() => sessions.connectorFor(request.provider, request.credentials).verify(settings.fields));
      const connectionId = randomBytes(10).toString('hex');
      const at = now().toISOString();
      const { sealed, lastFour } = await sessions.seal(siteId, connectionId, request.provider, request.credentials);
      const stored = {
        siteId,
        connectionId,
        provider: request.provider,
        account: verified.account,
        state: { ...verified.state },
        settings,
        sealed,
        lastFour,
        credentialsSetAt: at,
        createdAt: at,
      };
      if (!(await connections.create(stored))) throw new HttpError(409, 'Conflict', `Site ${siteId} already has a CRM connection; disconnect it first`);
      await audit.record({ keyId, action: 'crm.connect', siteId, target: connectionId, details: { provider: request.provider, account: verified.account.id } });
      // The first sync copies the CRM at once rather than at the next daily run.
      await queueSync(siteId, connectionId, now());
      logger.info('CRM connected', { siteId, connectionId, provider: request.provider });
      return json(201, connectionView(stored));
    },

    listCrmConnections: async ({ siteId }) => {
      const connection = await connections.get(siteId);
      return json(200, { items: connection && connection.status === 'active' ? [connectionView(connection)] : [] });
    },

    // Everything of the connection goes at once (not left to TTL); the receipt says what, and what stays in the CRM.
    deleteCrmConnection: async ({ siteId, keyId, connectionId }) => {
      const connection = await connections.get(siteId);
      if (!connection || connection.connectionId !== connectionId) throw notFound(`Site ${siteId} has no CRM connection ${connectionId}`);
      // From here on no sync or push of this connection can write anything (functions/adapters/dynamodb/crm-guard.ts).
      if (connection.status === 'active') await connections.markDeleting(siteId, connectionId);
      let tokenRevoked: DisconnectReceipt['tokenRevoked'] = 'failed';
      try {
        tokenRevoked = await (await sessions.open(connection)).revoke();
      } catch (error) {
        logger.warn('CRM token revocation failed', { siteId, connectionId, error: (error as Error).message });
      }
      const deleted = await deps.erasure.deleteEverything(siteId);
      const receipt: DisconnectReceipt = { connectionId, provider: connection.provider, deletedAt: now().toISOString(), deleted, tokenRevoked };
      await audit.record({ keyId, action: 'crm.disconnect', siteId, target: connectionId, details: { provider: connection.provider, tokenRevoked, ...deleted } });
      logger.info('CRM disconnected', { siteId, connectionId, ...deleted, tokenRevoked });
      return json(200, receipt);
    },

    rotateCrmCredentials: async ({ siteId, keyId, connectionId, body }) => {
      const connection = await connectionOf(siteId, connectionId);
      const credentials = parseWith(CREDENTIALS_SCHEMAS[connection.provider], body());
      const verified = await askingCrm(() => sessions.connectorFor(connection.provider, credentials).verify(connection.settings.fields));
      const { sealed, lastFour } = await sessions.seal(siteId, connectionId, connection.provider, credentials);
      if (!(await connections.replaceCredentials(siteId, connectionId, { sealed, lastFour, state: { ...verified.state }, account: verified.account }))) {
        throw notFound(`Site ${siteId} has no CRM connection ${connectionId}`);
      }
      await audit.record({ keyId, action: 'crm.rotate', siteId, target: connectionId });
      return json(200, connectionView(await connectionOf(siteId, connectionId)));
    },

    updateCrmSettings: async ({ siteId, keyId, connectionId, body }) => {
      const connection = await connectionOf(siteId, connectionId);
      const settings = parseWith(ConnectionSettingsSchema, body());
      // The fields the new allow-list writes must exist in the CRM: asked before the list is stored.
      const verified = await askingCrm(async () => (await sessions.open(connection)).verify(settings.fields));
      if (!(await connections.replaceSettings(siteId, connectionId, settings, { ...verified.state }))) throw notFound(`Site ${siteId} has no CRM connection ${connectionId}`);
      await audit.record({ keyId, action: 'crm.settings', siteId, target: connectionId, details: { fields: settings.fields.join(','), autoPush: settings.autoPush ? 'on' : 'off' } });
      return json(200, connectionView(await connectionOf(siteId, connectionId)));
    },

    syncCrmNow: async ({ siteId, keyId, connectionId }) => {
      await connectionOf(siteId, connectionId);
      const at = now();
      await queueSync(siteId, connectionId, at);
      await audit.record({ keyId, action: 'crm.sync', siteId, target: connectionId });
      return json(202, { connectionId, queuedAt: at.toISOString() });
    },

    getCrmSyncStatus: async ({ siteId, connectionId }) => {
      const connection = await connectionOf(siteId, connectionId);
      const status = (await connections.status(siteId)) ?? EMPTY_STATUS;
      const { lastFullSyncStartedAt: _internal, accounts, ...shown } = status;
      const body: SyncStatus = { connectionId, provider: connection.provider, ...shown, failures: [...status.failures], copy: { accounts, keptDays: deps.runtime.copyDays } };
      return json(200, body);
    },

    pushLeadsToCrm: async ({ siteId, keyId, body }) => {
      const request = parseWith(PushRequestSchema, body());
      const connection = await siteConnection(siteId);
      const connector = await sessions.open(connection);
      const items = await deps.pusher.push(connection, connector, request.leadIds, request.dryRun);
      if (!request.dryRun) {
        for (const item of items.filter((entry) => entry.outcome === 'pushed' || entry.outcome === 'failed')) {
          await audit.record({ keyId, action: 'crm.push', siteId, target: item.leadId, details: { outcome: item.outcome, ...(item.accountId ? { accountId: item.accountId } : {}) } });
        }
      }
      return json(200, { dryRun: request.dryRun, items });
    },

    linkLeadToCrm: async ({ siteId, keyId, leadId, body }) => {
      const { accountId } = parseWith(LinkRequestSchema, body());
      const connection = await siteConnection(siteId);
      if (!(await deps.leads.liveLead(siteId, leadId))) throw notFound(`No lead ${leadId} on site ${siteId}`);
      const account = await deps.copy.get(siteId, accountId);
      if (!account) throw notFound(`No account ${accountId} in the synced copy of the CRM; sync first, or check the id`);
      const view = leadView(connection.provider, account, account.deals, 'manual');
      await deps.links.setManual(siteId, connection.connectionId, leadId, { accountId }, deps.retention.leadDays);
      await deps.links.writeLinks(siteId, connection.connectionId, { set: new Map([[leadId, view]]), remove: [] }, deps.runtime.copyDays);
      await audit.record({ keyId, action: 'crm.link', siteId, target: leadId, details: { accountId } });
      return json(200, view);
    },

    unlinkLeadFromCrm: async ({ siteId, keyId, leadId }) => {
      const connection = await siteConnection(siteId);
      if (!(await deps.leads.liveLead(siteId, leadId))) throw notFound(`No lead ${leadId} on site ${siteId}`);
      await deps.links.setManual(siteId, connection.connectionId, leadId, { unlinked: true }, deps.retention.leadDays);
      await deps.links.writeLinks(siteId, connection.connectionId, { set: new Map(), remove: [leadId] }, deps.runtime.copyDays);
      await audit.record({ keyId, action: 'crm.unlink', siteId, target: leadId });
      return noContent();
    },
  };
}
