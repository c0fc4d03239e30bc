import type { APIGatewayProxyResult } from 'aws-lambda';
import { type ApiKeyGrant, type ApiKeySummary, CreateApiKeyRequestSchema } from '../contracts/api/api-keys';
import type { AuditAction } from '../contracts/api/privacy';
import type { Site } from '../contracts/deployment-config';
import { ApiKeyStore } from '../adapters/dynamodb/api-key-store';
import type { AuditLog } from '../adapters/dynamodb/audit-log';
import { beyondGrant, withinSites } from '../domain/api-keys';
import { forbidden, json, noContent, notFound, parseWith } from '../platform/http';

/**
 * API keys over HTTP (routes/api-keys.ts): the dashboard's settings for admins. Never wider than the caller: it
 * lists and revokes only keys within its own sites and makes only keys it could have made itself, so a person
 * with `keys:manage` on one site cannot mint a key for another or with a scope they lack. Each act is audited on
 * every site of the key.
 */
export class ApiKeyOperations {
  constructor(
    private readonly keys: Pick<ApiKeyStore, 'create' | 'list' | 'revoke'>,
    private readonly audit: AuditLog,
    private readonly sites: readonly Site[],
  ) {}

  /** The deployment's sites a key covers: where its creation or revocation is recorded. */
  private sitesOf(key: Pick<ApiKeyGrant, 'sites'>): string[] {
    return this.sites.map((site) => site.siteId).filter((siteId) => key.sites.includes('*') || key.sites.includes(siteId));
  }

  private async audited(grant: ApiKeyGrant, action: AuditAction, key: Pick<ApiKeyGrant, 'keyId' | 'sites'>): Promise<void> {
    await Promise.all(this.sitesOf(key).map((siteId) => this.audit.record({ keyId: grant.keyId, action, siteId, target: key.keyId })));
  }

  async list(grant: ApiKeyGrant): Promise<APIGatewayProxyResult> {
    const items: ApiKeySummary[] = (await this.keys.list()).filter((key) => withinSites(grant, key));
    return json(200, { items });
  }

  async create(grant: ApiKeyGrant, body: unknown): Promise<APIGatewayProxyResult> {
    const request = parseWith(CreateApiKeyRequestSchema, body);
    const beyond = beyondGrant(grant, request);
    if (beyond.sites.length > 0 || beyond.scopes.length > 0) {
      const what = [...beyond.sites.map((site) => `site ${site}`), ...beyond.scopes.map((scope) => `scope ${scope}`)].join(', ');
      throw forbidden('Forbidden', `A key may not be wider than its maker: you do not hold ${what}`);
    }
    const unknown = request.sites.filter((site) => site !== '*' && !this.sites.some((known) => known.siteId === site));
    if (unknown.length > 0) throw forbidden('Forbidden', `No site ${unknown.join(', ')} in this deployment`);
    const apiKey = ApiKeyStore.newKey();
    const now = new Date();
    const created = await this.keys.create(apiKey, { sites: request.sites, scopes: request.scopes }, request.days, now);
    await this.audited(grant, 'api-key.create', created);
    return json(201, {
      ...created,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + request.days * 86_400_000).toISOString(),
      revoked: false,
      apiKey,
    });
  }

  async revoke(grant: ApiKeyGrant, keyId: string): Promise<APIGatewayProxyResult> {
    const key = (await this.keys.list()).find((candidate) => candidate.keyId === keyId && !candidate.revoked);
    // A key outside the caller's sites answers as unknown: its existence is not the caller's to learn.
    if (!key || !withinSites(grant, key) || !(await this.keys.revoke(keyId))) throw notFound(`No key ${keyId} within your sites`);
    await this.audited(grant, 'api-key.revoke', key);
    return noContent();
  }
}
