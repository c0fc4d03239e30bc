import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EndpointPacer } from '../../functions/adapters/dynamodb/endpoint-pacing';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/emulators';
import { ensureTable } from '../../local/resources';
import { emulatorEndpoints, uniqueName } from './support/local-aws';

/** Slack's one message a second per webhook, kept by a conditional write however many deliveries run at once. */

let client: DynamoDBClient;
let doc: DynamoDBDocumentClient;
const tableName = uniqueName('alert-pacing');
const START = Date.parse('2026-12-05T10:00:00.000Z');

beforeAll(async () => {
  client = new DynamoDBClient({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint: emulatorEndpoints().dynamoDb });
  doc = DynamoDBDocumentClient.from(client);
  await ensureTable(client, tableName, () => undefined);
});
afterAll(async () => {
  await client.send(new DeleteTableCommand({ TableName: tableName })).catch(() => undefined);
  client.destroy();
});

describe('pacing the sends to one endpoint', () => {
  it('gives six concurrent sends distinct slots a second apart, and sends back those whose slot is too far away', async () => {
    const pacer = new EndpointPacer(doc, tableName, () => new Date(START));
    const slots = await Promise.all(Array.from({ length: 6 }, () => pacer.reserve('demo', 'slack-1', 1_000, 3_000)));

    const waits = slots.flatMap((slot) => ('waitMs' in slot ? [slot.waitMs] : [])).sort((a, b) => a - b);
    expect(waits).toEqual([0, 1_000, 2_000, 3_000]);
    // The next free slot is 4 s away, over the 3 s a send may wait: back to the queue until it is 1.5 s away.
    expect(slots.filter((slot) => 'holdBackMs' in slot)).toEqual([{ holdBackMs: 2_500 }, { holdBackMs: 2_500 }]);
  });

  it('keeps endpoints apart, and frees the slots once time has passed them', async () => {
    let now = START;
    const pacer = new EndpointPacer(doc, tableName, () => new Date(now));
    expect(await pacer.reserve('demo', 'slack-2', 1_000, 3_000)).toEqual({ waitMs: 0 });
    expect(await pacer.reserve('demo', 'slack-3', 1_000, 3_000)).toEqual({ waitMs: 0 });
    expect(await pacer.reserve('other', 'slack-2', 1_000, 3_000)).toEqual({ waitMs: 0 });
    expect(await pacer.reserve('demo', 'slack-2', 1_000, 3_000)).toEqual({ waitMs: 1_000 });
    now += 60_000;
    expect(await pacer.reserve('demo', 'slack-2', 1_000, 3_000)).toEqual({ waitMs: 0 });
  });
});
