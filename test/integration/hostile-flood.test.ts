import { randomUUID } from 'node:crypto';
import { type AttributeValue, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/emulators';
import { itemSize } from '../../scripts/bench/capacity-units';
import { delta, drained, ORIGIN, pipelineForThisFile, queueDepth, SITE, snapshot } from './support/pipeline';

/**
 * The flood an outside review replayed against version 0.1: one visitor posting a form event and 24 engagement
 * events again and again, and many "visitors" (a new User-Agent each) from the same company network. Then 150
 * such requests took one lead item to 42 KB and 1,500 past DynamoDB's 400 KB limit, after which every write to
 * that lead failed into the DLQ. Now every item stays bounded, and nothing fails.
 */

const SAP_ADDRESS = '130.214.10.77';
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0';
const LEAD_ITEM_BOUND_BYTES = 32 * 1024;

const pipeline = pipelineForThisFile();

async function postEvents(userAgent: string, events: object[]): Promise<number> {
  const response = await fetch(`${pipeline().runtime.url}/v1/events`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: ORIGIN, 'User-Agent': userAgent, 'X-Forwarded-For': SAP_ADDRESS },
    body: JSON.stringify({ siteId: SITE, events }),
  });
  const body = (await response.json()) as { accepted: number };
  return body.accepted;
}

it('keeps every stored item bounded and sends nothing to the DLQ', async () => {
  const before = snapshot();
  let accepted = 0;
  const page = `${ORIGIN}/pricing`;
  // One visitor: a page, then 400 requests of a form event and 24 engagement events each.
  accepted += await postEvents(BROWSER, [{ id: randomUUID(), type: 'pageview', url: page }]);
  for (let batch = 0; batch < 40; batch++) {
    const sent = await Promise.all(
      Array.from({ length: 10 }, () =>
        postEvents(BROWSER, [
          { id: randomUUID(), type: 'form', url: page, emailDomain: 'sap.com' },
          ...Array.from({ length: 24 }, () => ({ id: randomUUID(), type: 'engagement', url: page, engagedMs: 1000 })),
        ]),
      ),
    );
    accepted += sent.reduce((sum, count) => sum + count, 0);
  }
  // 200 more "visitors" of the same company, each with a new User-Agent.
  for (let batch = 0; batch < 20; batch++) {
    const sent = await Promise.all(
      Array.from({ length: 10 }, (_, index) => postEvents(`${BROWSER} flood/${batch}.${index}`, [{ id: randomUUID(), type: 'pageview', url: page }])),
    );
    accepted += sent.reduce((sum, count) => sum + count, 0);
  }
  expect(accepted).toBe(1 + 400 * 25 + 200);

  await drained(pipeline(), before, accepted, 120_000);

  const client = new DynamoDBClient({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint: pipeline().runtime.endpoints.dynamoDb });
  try {
    const sizes: number[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await client.send(new ScanCommand({ TableName: pipeline().runtime.tableName, ExclusiveStartKey: startKey }));
      sizes.push(...(page.Items ?? []).map((item) => itemSize(item as never)));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    expect(Math.max(...sizes)).toBeLessThan(LEAD_ITEM_BOUND_BYTES);
  } finally {
    client.destroy();
  }
  expect(await queueDepth(pipeline(), pipeline().runtime.queues.deadLetterQueueUrl)).toBe(0);
  // What the full visit could not take is counted, not lost silently.
  expect(delta(before)['DroppedEvents:visit-limit']).toBeGreaterThan(0);
}, 240_000);
