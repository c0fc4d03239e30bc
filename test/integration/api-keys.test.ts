import { ApiKeyStore } from '../../functions/adapters/dynamodb/api-key-store';
import { generateApiKey } from '../../functions/domain/api-keys';
import { createTestResources, type TestResources } from './support/local-aws';

let resources: TestResources;
let store: ApiKeyStore;
beforeAll(async () => {
  resources = await createTestResources('api-keys');
  store = new ApiKeyStore(resources.doc, resources.tableName);
});
afterAll(() => resources.destroy());

describe('API keys against DynamoDB Local', () => {
  it('creates, lists without secrets, and revokes a key so it no longer authorises', async () => {
    const apiKey = generateApiKey();
    const grant = await store.create(apiKey, { sites: ['demo'], scopes: ['leads:read'] }, 30);
    const other = await store.create(generateApiKey(), { sites: ['other'], scopes: ['audit:read'] }, 30);

    const listed = await store.list();
    expect(listed.map((key) => key.keyId).sort()).toEqual([grant.keyId, other.keyId].sort());
    expect(JSON.stringify(listed)).not.toContain(apiKey);
    expect(await store.find(apiKey)).toEqual(grant);

    expect(await store.revoke(grant.keyId)).toBe(true);

    expect(await store.find(apiKey)).toBeUndefined();
    expect((await store.list()).find((key) => key.keyId === grant.keyId)?.revoked).toBe(true);
    expect(await store.revoke('no-such-key')).toBe(false);
  });

  it('refuses an expired key, although TTL has not removed it yet', async () => {
    const apiKey = generateApiKey();
    await store.create(apiKey, { sites: ['*'], scopes: ['leads:read'] }, 1, new Date(Date.now() - 2 * 86_400_000));
    expect(await store.find(apiKey)).toBeUndefined();
  });
});
