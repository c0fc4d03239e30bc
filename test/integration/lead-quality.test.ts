import { randomUUID } from 'node:crypto';
import { delta, drained, ORIGIN, pipelineForThisFile, SITE, snapshot } from './support/pipeline';
import { addressOf } from './support/ip-addresses';

/**
 * The customer's and the product's own corrections of the lead list, end to end through the local runtime: hidden
 * organisations, behaviour-based bot signals and the rules for a domain typed into a form.
 */

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0';
const sap = addressOf('SAP SE');
const telekom = addressOf('Deutsche Telekom AG');

const pipeline = pipelineForThisFile();

const pageview = (path = '/pricing') => ({ id: randomUUID(), type: 'pageview', url: `${ORIGIN}${path}` });
const engagement = (engagedMs: number, path = '/pricing') => ({ id: randomUUID(), type: 'engagement', url: `${ORIGIN}${path}`, engagedMs });
const form = (emailDomain: string) => ({ id: randomUUID(), type: 'form', url: `${ORIGIN}/contact`, emailDomain });

async function send(ip: string, events: object[], options: { userAgent?: string; origin?: string | null } = {}): Promise<number> {
  const origin = options.origin === undefined ? ORIGIN : options.origin;
  const response = await fetch(`${pipeline().runtime.url}/v1/events`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'User-Agent': options.userAgent ?? BROWSER,
      'X-Forwarded-For': ip,
      ...(origin ? { Origin: origin } : {}),
    },
    body: JSON.stringify({ siteId: SITE, events }),
  });
  expect(response.status).toBe(202);
  return ((await response.json()) as { accepted: number }).accepted;
}

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${pipeline().runtime.url}/v1/sites/${SITE}${path}`, {
    ...init,
    headers: { Authorization: `Bearer ${pipeline().apiKey}`, 'Content-Type': 'application/json', ...(init.headers ?? {}) },
  });

type Lead = { leadId: string; organisation: { name: string; asn?: number; domain?: string }; pageviews: number; match: { source: string; reason?: string } };
const leads = async (): Promise<Lead[]> => ((await (await api('/leads?limit=100')).json()) as { items: Lead[] }).items;

/** Sends, waits until every accepted event is counted, and returns what the metrics counted meanwhile. */
async function settle(send: () => Promise<number>): Promise<Record<string, number>> {
  const before = snapshot();
  const accepted = await send();
  await drained(pipeline(), before, accepted, 30_000);
  return delta(before);
}

describe('hidden organisations', () => {
  it('leave the lead list at once, get no new page views, and come back when shown again; audited', async () => {
    await settle(() => send(sap.ip, [pageview()], { userAgent: `${BROWSER} hidden-1` }));
    expect((await leads()).map((lead) => lead.organisation.name)).toContain(sap.organisation);

    // By name, as a sales person would: case and spacing do not matter.
    const hidden = await api('/hidden-organisations', { method: 'POST', body: JSON.stringify({ name: `  ${sap.organisation.toUpperCase()} ` }) });
    expect(hidden.status).toBe(201);
    const { hiddenId } = (await hidden.json()) as { hiddenId: string };
    expect((await leads()).map((lead) => lead.organisation.name)).not.toContain(sap.organisation);

    const counts = await settle(() => send(sap.ip, [pageview('/careers')], { userAgent: `${BROWSER} hidden-2` }));
    expect(counts['DroppedEvents:hidden']).toBe(1);

    expect((await api(`/hidden-organisations/${hiddenId}`, { method: 'DELETE' })).status).toBe(204);
    const shown = (await leads()).find((lead) => lead.organisation.name === sap.organisation);
    expect(shown?.pageviews).toBe(1);

    const audit = (await (await api('/audit?limit=100')).json()) as { items: { action: string; target?: string }[] };
    expect(audit.items.map((record) => record.action)).toEqual(expect.arrayContaining(['organisation.hide', 'organisation.show']));
  });

  it.each([
    [{ asn: 0 }, 'asn'],
    [{ asn: 'SAP' }, 'asn'],
    [{ name: '' }, 'name'],
    [{ domain: 'not a domain' }, 'domain'],
    [{ asn: 1, name: 'Both' }, 'asn'],
  ])('answer 400 naming the field for %p', async (body, field) => {
    const response = await api('/hidden-organisations', { method: 'POST', body: JSON.stringify(body) });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { issues: { path: string }[] } }).error.issues.map((issue) => issue.path)).toContain(field);
  });
});

describe('behaviour-based bot signals', () => {
  it('a visitor viewing one page again and again feeds no lead from the limit on, counted as bot-behaviour', async () => {
    const userAgent = `${BROWSER} reloader`;
    const counts = await settle(async () => {
      let accepted = 0;
      // 40 views of one page, in requests of 10: the limit is 30 in a row.
      for (let i = 0; i < 4; i++) accepted += await send(sap.ip, Array.from({ length: 10 }, () => pageview('/reload')), { userAgent });
      return accepted;
    });
    expect(counts.RecordedEvents).toBe(30);
    expect(counts['DroppedEvents:bot-behaviour']).toBe(10);
  });

  it('a one-page visit visible for less than a second feeds no lead; one with time on the page does', async () => {
    const counts = await settle(async () => {
      const bounce = await send(sap.ip, [pageview('/bounce'), engagement(300, '/bounce')], { userAgent: `${BROWSER} bounce` });
      const reader = await send(sap.ip, [pageview('/read'), engagement(45_000, '/read')], { userAgent: `${BROWSER} reader` });
      return bounce + reader;
    });
    expect(counts['DroppedEvents:short-visit']).toBe(2);
    expect(counts.RecordedEvents).toBe(2);
  });
});

describe('a domain typed into a form', () => {
  it('names a home-office visitor’s organisation only from a browser on the site, and says it is not verified', async () => {
    const withoutOrigin = await settle(() => send(telekom.ip, [pageview('/contact'), form('siemens.com')], { origin: null, userAgent: `${BROWSER} script` }));
    expect(withoutOrigin['DroppedEvents:isp']).toBe(2);
    expect((await leads()).map((lead) => lead.organisation.domain)).not.toContain('siemens.com');

    await settle(() => send(telekom.ip, [pageview('/contact'), form('siemens.com')], { userAgent: `${BROWSER} home office` }));
    const lead = (await leads()).find((candidate) => candidate.organisation.domain === 'siemens.com');
    expect(lead?.match).toMatchObject({ source: 'form-domain', reason: 'domain typed by the visitor into a form; not verified' });
  });

  it('names at most three organisations a day from one network, so one connection cannot fill the list', async () => {
    const domains = ['bosch.example', 'basf.example', 'bayer.example', 'daimler.example'];
    const counts = await settle(async () => {
      let accepted = 0;
      for (const domain of domains) accepted += await send(telekom.ip, [pageview('/contact'), form(domain)], { userAgent: `${BROWSER} ${domain}` });
      return accepted;
    });
    // siemens.com (above) and two of these took the network's three for today.
    expect(counts['DroppedEvents:form-domain-limit']).toBe(4);
    const named = (await leads()).map((lead) => lead.organisation.domain).filter((domain) => domain && domains.includes(domain));
    expect(named).toHaveLength(2);
  });
});
