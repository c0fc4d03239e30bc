/**
 * @own-dynamodb-local it writes thousands of items (support/integration-environment.ts says why)
 */
import { createHash, randomUUID } from 'node:crypto';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { loadIpIntel } from '../../functions/domain/ip-intel';
import { truncateIp } from '../../functions/domain/privacy/network';
import type { QueuedRequest } from '../../functions/contracts/queue-message';
import { planWorkload } from '../../scripts/bench/workload';
import {
  delta,
  drained,
  droppedIn,
  growth,
  leadPageviews,
  pipelineForThisFile,
  post,
  queueDepth,
  SITE,
  snapshot,
  sum,
} from './support/pipeline';

/**
 * Duplicate delivery and a load burst against the whole local pipeline (HTTP front → ingest → SQS emulator →
 * enrichment → DynamoDB Local), accounted for by the product's own CloudWatch metrics (EMF lines on stdout):
 * nothing accepted may be lost, nothing counted twice. DynamoDB going away: dynamodb-outage.test.ts.
 */
const ipIntel = loadIpIntel('build/ipdata');
const pipeline = pipelineForThisFile();

describe('the local pipeline() under faults and load', () => {
  it('changes nothing when every message is delivered twice, in the same batch or later', async () => {
    const before = snapshot();
    const leadsBefore = await leadPageviews(pipeline());
    const visits = planWorkload(ipIntel, { seed: 11, visits: 150, shares: { bot: 0, invalid: 0 } });
    const messages: QueuedRequest[] = visits.map((visit) => ({
      version: 2,
      siteId: SITE,
      receivedAt: new Date().toISOString(),
      network: truncateIp(visit.ip) ?? '',
      visitorId: createHash('sha256').update(`${visit.ip}\n${randomUUID()}`).digest('hex'),
      fromSiteOrigin: true,
      events: visit.paths.map((path) => ({ id: randomUUID(), type: 'pageview' as const, path, occurredAt: new Date().toISOString() })),
    }));
    // Each message twice: once next to itself, once again after all others.
    const deliveries = [...messages.flatMap((message) => [message, message]), ...messages];
    for (let start = 0; start < deliveries.length; start += 10) {
      await pipeline().sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: pipeline().runtime.queues.queueUrl,
          Entries: deliveries.slice(start, start + 10).map((message, index) => ({ Id: String(index), MessageBody: JSON.stringify(message) })),
        }),
      );
    }
    const events = sum(messages.map((message) => message.events.length));
    await drained(pipeline(), before, 3 * events, 240_000);

    const counts = delta(before);
    const expected = new Map<string, number>();
    visits.forEach((visit, index) => {
      if (visit.kind === 'business' && visit.organisation) {
        expected.set(visit.organisation, (expected.get(visit.organisation) ?? 0) + (messages[index]?.events.length ?? 0));
      }
    });
    const after = await leadPageviews(pipeline());
    const grown = growth(leadsBefore, after);
    expect(grown).toEqual(expected);
    // Carriers' and clouds' requests are dropped on every delivery, before any deduplication is needed.
    const businessEvents = sum(expected.values());
    expect(counts.RecordedEvents).toBe(businessEvents);
    expect(counts.DuplicateEvents).toBe(2 * businessEvents);
    expect(droppedIn(counts)).toBe(3 * (events - businessEvents));
  }, 360_000);

  it('accounts exactly for a burst of 10,000 page views from many organisations', async () => {
    const before = snapshot();
    const visits = planWorkload(ipIntel, { seed: 7, visits: 3_000, organisations: 400 });
    const pageviews = sum(visits.map((visit) => visit.paths.length));
    expect(pageviews).toBeGreaterThanOrEqual(10_000);
    const leadsBefore = await leadPageviews(pipeline());

    const sent = await post(pipeline(), visits, 24);
    await drained(pipeline(), before, sent.accepted, 300_000);

    const counts = delta(before);
    const inDeadLetterQueue = await queueDepth(pipeline(), pipeline().runtime.queues.deadLetterQueueUrl);
    expect(sent.failed).toBe(0);
    expect(sent.accepted + sent.droppedAtIngest + sent.rejected).toBe(pageviews);
    expect(sent.droppedAtIngest).toBe(counts['DroppedEvents:bot']);
    expect(sent.rejected).toBe(sum(visits.filter((visit) => visit.kind === 'invalid').map((visit) => visit.paths.length)));
    // Nothing lost: every accepted page view was stored, dropped for a reason or dead-lettered. A batch that outlives
    // the function's timeout on a loaded machine is delivered again (at-least-once): its drops are then counted
    // again and its stored events come back as duplicates, so the sum may exceed what was accepted, never fall short.
    // Nothing twice is held below, organisation by organisation, on what the leads show.
    const droppedAtEnrichment = droppedIn(counts) - (counts['DroppedEvents:bot'] ?? 0);
    const accounted = (counts.RecordedEvents ?? 0) + droppedAtEnrichment + inDeadLetterQueue;
    expect(accounted).toBeGreaterThanOrEqual(sent.accepted);
    expect(counts['DroppedEvents:isp']).toBeGreaterThan(0);
    expect(counts['DroppedEvents:hosting']).toBeGreaterThan(0);
    // Many people per organisation, none of them past the behaviour limits: every business page view feeds a lead.
    expect(counts['DroppedEvents:bot-behaviour'] ?? 0).toBe(0);
    // What was stored is what the leads show, organisation by organisation.
    const after = await leadPageviews(pipeline());
    const grown = growth(leadsBefore, after);
    expect(grown).toEqual(sent.businessPageviews);
    expect(sum(grown.values())).toBe(counts.RecordedEvents);
  }, 480_000);

});
