/** The driver's side of the benchmark: page views sent as the snippet sends them, and the leads API read back. */
import { randomUUID } from 'node:crypto';
import type { IpIntelEngine } from '../../../functions/domain/ip-intel';
import { leadIdFor } from '../../../functions/domain/leads/model';
import { BROWSER_USER_AGENT, type PlannedVisit, titleOf } from '../workload';

const SITE = 'demo';
const ORIGIN = 'http://localhost:8080';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Sent {
  requests: number;
  pageviews: number;
  acceptedPageviews: number;
  businessPageviews: number;
}

/**
 * Sends the visits as the snippet does: one request per page, when the visitor leaves it, with the page view and
 * the time the page was visible, `thinkMs` apart. Visits start at the pace that gives `rate` page views a second.
 */
export async function drive(url: string, visits: readonly PlannedVisit[], rate: number, thinkMs: number): Promise<Sent> {
  const sent: Sent = { requests: 0, pageviews: 0, acceptedPageviews: 0, businessPageviews: 0 };
  const meanPages = visits.reduce((sum, visit) => sum + visit.paths.length, 0) / Math.max(1, visits.length);
  const visitGapMs = (1000 * meanPages) / rate;
  const started = Date.now();
  await Promise.all(
    visits.map(async (visit, index) => {
      await sleep(Math.max(0, started + index * visitGapMs - Date.now()));
      for (const path of visit.paths) {
        await sleep(thinkMs);
        const accepted = await postEvents(url, visit, [
          { type: 'pageview', url: `${ORIGIN}${path}`, title: titleOf(path) },
          { type: 'engagement', url: `${ORIGIN}${path}`, engagedMs: Math.floor(thinkMs * 0.8) },
        ]);
        sent.requests += 1;
        sent.pageviews += 1;
        if (accepted) {
          sent.acceptedPageviews += 1;
          if (visit.kind === 'business') sent.businessPageviews += 1;
        }
      }
    }),
  );
  return sent;
}

/** Posts events in one request; true when the API accepted all of them. */
async function postEvents(url: string, visit: PlannedVisit, events: Record<string, unknown>[]): Promise<boolean> {
  const body = { siteId: SITE, events: events.map((event) => ({ id: randomUUID(), ...event, ...(visit.kind === 'invalid' ? { url: 'not a url' } : {}) })) };
  const response = await fetch(`${url}/v1/events`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/plain', Origin: ORIGIN, 'User-Agent': visit.userAgent, 'X-Forwarded-For': visit.ip },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as { accepted?: number };
  return response.status === 202 && answer.accepted === events.length;
}

/**
 * Waits until enrichment has caught up: the queue (visible and in flight) has stayed empty for two seconds.
 * `queueDepth` must read the emulator directly, not through the meter, so that waiting is not billed.
 */
export async function drain(queueDepth: () => Promise<number>): Promise<void> {
  let emptySince: number | undefined;
  for (;;) {
    if ((await queueDepth()) > 0) emptySince = undefined;
    else if (emptySince === undefined) emptySince = Date.now();
    else if (Date.now() - emptySince > 2_000) return;
    await sleep(250);
  }
}

/** Posts one page view at the ingest URL and times until the leads API shows its lead. */
export async function probeLatency(
  { url, ingestUrl, apiKey, ipIntel }: { url: string; ingestUrl: string; apiKey: string; ipIntel: IpIntelEngine },
  probe: { ip: string; organisation: string },
): Promise<number> {
  const match = ipIntel.lookupOrganisation(probe.ip.replace(/\.\d+$/, '.0/24'));
  if (!match) throw new Error(`Probe network ${probe.ip} has no organisation`);
  const leadId = leadIdFor(SITE, `asn:${match.asn}`);
  const visit: PlannedVisit = { kind: 'business', ip: probe.ip, userAgent: BROWSER_USER_AGENT, organisation: probe.organisation, paths: ['/'] };
  if (!(await postEvents(ingestUrl, visit, [{ type: 'pageview', url: `${ORIGIN}/pricing` }]))) throw new Error('A probe page view was not accepted');
  const accepted = performance.now();
  for (;;) {
    const response = await fetch(`${url}/v1/sites/${SITE}/leads/${leadId}`, { headers: { Authorization: `Bearer ${apiKey}` } });
    if (response.status === 200) return performance.now() - accepted;
    await response.arrayBuffer();
    if (performance.now() - accepted > 30_000) throw new Error(`Lead ${leadId} did not appear within 30 s`);
    await sleep(25);
  }
}

export async function readListPages(url: string, apiKey: string, count: number): Promise<number> {
  let cursor: string | null = null;
  let pages = 0;
  do {
    const response = await fetch(`${url}/v1/sites/${SITE}/leads?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, {
      headers: { Authorization: `Bearer ${apiKey}` },
    });
    const page = (await response.json()) as { items: unknown[]; nextCursor: string | null };
    if (page.items.length === 50) pages += 1;
    cursor = page.nextCursor;
  } while (cursor && pages < count);
  return pages;
}
