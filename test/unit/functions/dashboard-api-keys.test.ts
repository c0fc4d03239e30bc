import type { ApiKeyGrant } from '../../../functions/contracts/api/api-keys';
import type { AuditEntry, AuditLog } from '../../../functions/adapters/dynamodb/audit-log';
import { ApiKeyOperations } from '../../../functions/dashboard/api-keys';
import { beyondGrant, withinSites } from '../../../functions/domain/api-keys';

/** API keys over HTTP: never wider than the caller, only within its sites, audited on every site of the key. */

type StoredKey = ApiKeyGrant & { createdAt: string; expiresAt: string; revoked: boolean };
const SITES = [{ siteId: 'shop' }, { siteId: 'blog' }, { siteId: 'docs' }] as unknown as ConstructorParameters<typeof ApiKeyOperations>[2];

function setUp(existing: StoredKey[] = []) {
  const stored = [...existing];
  const audited: AuditEntry[] = [];
  const store = {
    create: async (_apiKey: string, grant: Omit<ApiKeyGrant, 'keyId'>) => {
      const key = { keyId: `k${stored.length}`, ...grant };
      stored.push({ ...key, createdAt: '2026-12-05T00:00:00.000Z', expiresAt: '2027-12-05T00:00:00.000Z', revoked: false });
      return key;
    },
    list: async () => stored,
    revoke: async (keyId: string) => {
      const key = stored.find((candidate) => candidate.keyId === keyId);
      if (key) key.revoked = true;
      return key !== undefined;
    },
  };
  const audit = { record: async (entry: AuditEntry) => void audited.push(entry) } as unknown as AuditLog;
  return { operations: new ApiKeyOperations(store, audit, SITES), stored, audited };
}

const shopAdmin: ApiKeyGrant = { keyId: 'user:ann', sites: ['shop'], scopes: ['leads:read', 'leads:erase', 'keys:manage'] };
const everywhere: ApiKeyGrant = { keyId: 'user:root', sites: ['*'], scopes: ['leads:read', 'keys:manage'] };
const key = (keyId: string, sites: string[]): StoredKey => ({ keyId, sites, scopes: ['leads:read'], createdAt: '', expiresAt: '', revoked: false });

describe('beyondGrant and withinSites', () => {
  it('names the sites and scopes the holder lacks; only * covers *', () => {
    expect(beyondGrant(shopAdmin, { sites: ['shop'], scopes: ['leads:read'] })).toEqual({ sites: [], scopes: [] });
    expect(beyondGrant(shopAdmin, { sites: ['shop', 'blog', '*'], scopes: ['leads:read', 'audit:read'] })).toEqual({ sites: ['blog', '*'], scopes: ['audit:read'] });
    expect(beyondGrant(everywhere, { sites: ['*', 'blog'], scopes: ['leads:read'] })).toEqual({ sites: [], scopes: [] });
  });

  it('sees a key only when every one of its sites is the holder’s', () => {
    expect(withinSites(shopAdmin, key('a', ['shop']))).toBe(true);
    expect(withinSites(shopAdmin, key('b', ['shop', 'blog']))).toBe(false);
    expect(withinSites(shopAdmin, key('c', ['*']))).toBe(false);
    expect(withinSites(everywhere, key('c', ['*']))).toBe(true);
  });
});

describe('ApiKeyOperations', () => {
  it('creates a key no wider than the caller, shows its secret once, and audits it on its site', async () => {
    const { operations, stored, audited } = setUp();
    const result = await operations.create(shopAdmin, { sites: ['shop'], scopes: ['leads:read'], days: 30 });
    expect(result.statusCode).toBe(201);
    const body = JSON.parse(result.body) as { apiKey: string; keyId: string; sites: string[]; expiresAt: string };
    expect(body).toMatchObject({ keyId: 'k0', sites: ['shop'], revoked: false });
    expect(body.apiKey).toMatch(/^eirl_[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(body.expiresAt) - Date.now()).toBeGreaterThan(29 * 86_400_000);
    expect(JSON.stringify(stored)).not.toContain(body.apiKey);
    expect(audited).toEqual([expect.objectContaining({ keyId: 'user:ann', action: 'api-key.create', siteId: 'shop', target: 'k0' })]);
  });

  it.each([
    [{ sites: ['blog'], scopes: ['leads:read'] }, /site blog/],
    [{ sites: ['*'], scopes: ['leads:read'] }, /site \*/],
    [{ sites: ['shop'], scopes: ['audit:read'] }, /scope audit:read/],
  ])('refuses a key wider than the caller (%j) with a 403, writing nothing', async (request, message) => {
    const { operations, stored, audited } = setUp();
    await expect(operations.create(shopAdmin, request)).rejects.toMatchObject({ statusCode: 403, message: expect.stringMatching(message) });
    expect([stored, audited]).toEqual([[], []]);
  });

  it('refuses a site the deployment does not serve, and bad input with a 400 naming the field', async () => {
    const { operations } = setUp();
    await expect(operations.create(everywhere, { sites: ['elsewhere'], scopes: ['leads:read'] })).rejects.toMatchObject({ statusCode: 403 });
    await expect(operations.create(everywhere, { sites: ['shop'], scopes: ['leads:read'], days: 0 })).rejects.toMatchObject({ statusCode: 400 });
    await expect(operations.create(everywhere, { sites: ['shop'], scopes: ['root'] })).rejects.toMatchObject({ statusCode: 400 });
  });

  it('lists and revokes only keys within the caller’s sites; another site’s key answers as unknown', async () => {
    const { operations, stored, audited } = setUp([key('mine', ['shop']), key('theirs', ['blog']), key('all', ['*'])]);
    expect((JSON.parse((await operations.list(shopAdmin)).body) as { items: StoredKey[] }).items.map((item) => item.keyId)).toEqual(['mine']);
    expect((JSON.parse((await operations.list(everywhere)).body) as { items: StoredKey[] }).items).toHaveLength(3);
    await expect(operations.revoke(shopAdmin, 'theirs')).rejects.toMatchObject({ statusCode: 404 });
    await expect(operations.revoke(shopAdmin, 'all')).rejects.toMatchObject({ statusCode: 404 });
    expect((await operations.revoke(shopAdmin, 'mine')).statusCode).toBe(204);
    await expect(operations.revoke(shopAdmin, 'mine')).rejects.toMatchObject({ statusCode: 404 });
    expect(stored.map((item) => item.revoked)).toEqual([true, false, false]);
    // A key for every site is revoked on every site of the deployment, and recorded on each.
    await operations.revoke(everywhere, 'all');
    expect(audited.map((entry) => `${entry.action} ${entry.siteId} ${entry.target}`)).toEqual([
      'api-key.revoke shop mine',
      'api-key.revoke shop all',
      'api-key.revoke blog all',
      'api-key.revoke docs all',
    ]);
  });
});
