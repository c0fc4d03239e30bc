import { randomBytes } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { LocalKeyService } from '../../functions/adapters/kms/key-service';
import { DailySaltStore } from '../../functions/adapters/dynamodb/daily-salt-store';
import { destroyExpiredSalts } from '../../functions/adapters/dynamodb/daily-salt-store';
import { keys } from '../../functions/contracts/table';
import { createTestResources, type TestResources } from './support/local-aws';

let resources: TestResources;
beforeAll(async () => {
  resources = await createTestResources('salt-cleanup');
});
afterAll(() => resources.destroy());

const exists = async (day: string) =>
  (await resources.doc.send(new GetCommand({ TableName: resources.tableName, Key: keys.salt(day), ConsistentRead: true }))).Item !== undefined;

describe('scheduled salt destruction against DynamoDB Local', () => {
  it('destroys salts 48 hours after their day began, on time and no earlier', async () => {
    const salts = new DailySaltStore(resources.doc, resources.tableName, new LocalKeyService(randomBytes(32)), 48);
    for (const day of ['2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23']) await salts.saltFor(new Date(`${day}T12:00:00Z`));

    const destroyed = await destroyExpiredSalts(resources.doc, resources.tableName, 48, new Date('2026-11-23T00:30:00Z'));

    expect(destroyed.sort()).toEqual(['2026-11-20', '2026-11-21']);
    expect(await exists('2026-11-21')).toBe(false);
    expect(await exists('2026-11-22')).toBe(true);
    expect(await exists('2026-11-23')).toBe(true);
  });

  it('never destroys a salt that has not expired, whatever the clock says', async () => {
    const salts = new DailySaltStore(resources.doc, resources.tableName, new LocalKeyService(randomBytes(32)), 72);
    await salts.saltFor(new Date('2026-10-01T12:00:00Z'));
    // With 48 hours assumed but the salt stored for 72, its expiry still protects it.
    const destroyed = await destroyExpiredSalts(resources.doc, resources.tableName, 48, new Date('2026-10-03T12:00:00Z'));
    expect(destroyed).toEqual([]);
    expect(await exists('2026-10-01')).toBe(true);
  });
});
