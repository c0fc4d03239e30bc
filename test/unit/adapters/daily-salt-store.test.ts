import { randomBytes } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { LocalKeyService } from '../../../functions/adapters/kms/key-service';
import { DailySaltStore } from '../../../functions/adapters/dynamodb/daily-salt-store';

const dynamodb = mockClient(DynamoDBDocumentClient);
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1' }));
const keyService = new LocalKeyService(randomBytes(32));
const NOON = new Date('2026-11-25T12:00:00Z');

afterEach(() => dynamodb.reset());

describe('DailySaltStore', () => {
  it('creates the day’s salt, stores it only encrypted, expiring 48 h after the day began', async () => {
    dynamodb.on(GetCommand).resolves({});
    dynamodb.on(PutCommand).resolves({});
    const store = new DailySaltStore(doc, 'table', keyService, 48);

    const salt = await store.saltFor(NOON);

    const item = dynamodb.commandCalls(PutCommand)[0]?.args[0].input.Item ?? {};
    expect(item).toMatchObject({ pk: 'SALT#2026-11-25', expiresAt: Date.parse('2026-11-27T00:00:00Z') / 1000 });
    expect(Buffer.from(item.encryptedSalt as Uint8Array).equals(Buffer.from(salt))).toBe(false);
    expect(Buffer.from(await keyService.decrypt(item.encryptedSalt as Uint8Array, 'eirlead-daily-salt'))).toEqual(Buffer.from(salt));
  });

  it('adopts the salt of a concurrent winner', async () => {
    const winner = await keyService.generateDataKey('eirlead-daily-salt');
    dynamodb.on(GetCommand).resolvesOnce({}).resolves({ Item: { encryptedSalt: winner.ciphertext } });
    dynamodb.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));
    const store = new DailySaltStore(doc, 'table', keyService, 48);

    expect(Buffer.from(await store.saltFor(NOON))).toEqual(Buffer.from(winner.plaintext));
  });

  it('reads the table once per day, and again on the next day', async () => {
    const stored = await keyService.generateDataKey('eirlead-daily-salt');
    dynamodb.on(GetCommand).resolves({ Item: { encryptedSalt: stored.ciphertext } });
    const store = new DailySaltStore(doc, 'table', keyService, 48);

    await store.saltFor(NOON);
    await store.saltFor(new Date('2026-11-25T23:59:59Z'));
    expect(dynamodb.commandCalls(GetCommand)).toHaveLength(1);

    await store.saltFor(new Date('2026-11-26T00:00:01Z'));
    expect(dynamodb.commandCalls(GetCommand)[1]?.args[0].input.Key).toEqual({ pk: 'SALT#2026-11-26', sk: 'SALT' });
  });
});
