import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type Lead } from '../api';
import { drawDaily, perDay } from '../chart';
import { html } from '../html';

/** The last 30 days at a glance: organisations identified per day, top pages, top countries (up to 1,000 leads). */

const DAYS = 30;
const MAX_PAGES = 10;

function top(entries: Iterable<[string, number]>, count = 10): Array<[string, number]> {
  return [...entries].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, count);
}

export function OverviewPage({ siteId }: { siteId: string }) {
  const [leads, setLeads] = useState<Lead[] | null>(null);
  const [truncated, setTruncated] = useState(false);
  const chart = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let cancelled = false;
    void (async () => {
      const since = new Date(Date.now() - DAYS * 86_400_000).toISOString();
      const all: Lead[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < MAX_PAGES; page += 1) {
        const answer = await api.leads(siteId, { since, limit: '100', cursor });
        all.push(...answer.items);
        if (!answer.nextCursor) break;
        cursor = answer.nextCursor;
        if (page === MAX_PAGES - 1) setTruncated(true);
      }
      if (!cancelled) setLeads(all);
    })();
    return () => {
      cancelled = true;
    };
  }, [siteId]);

  const daily = leads ? perDay(leads.map((lead) => lead.firstSeenAt), DAYS) : undefined;
  useEffect(() => {
    if (!daily || !chart.current) return;
    let destroy: (() => void) | undefined;
    void drawDaily(chart.current, { label: 'Organisations identified', ...daily }).then((done) => (destroy = done));
    return () => destroy?.();
  }, [leads]);

  if (!leads || !daily) return html`<h1 tabindex="-1">Overview</h1><p role="status">Loading…</p>`;
  const pages = new Map<string, number>();
  const countries = new Map<string, number>();
  for (const lead of leads) {
    for (const page of lead.topPages) pages.set(page.path, (pages.get(page.path) ?? 0) + page.views);
    countries.set(lead.location.country, (countries.get(lead.location.country) ?? 0) + 1);
  }

  return html`
    <h1 tabindex="-1">Overview</h1>
    <p class="lede">${leads.length} organisations seen in the last ${DAYS} days${truncated ? ' (the first 1,000)' : ''}.</p>
    <section class="card" aria-labelledby="daily-title">
      <h2 id="daily-title">Organisations identified per day</h2>
      <div ref=${chart} class="chart"><p class="muted">Drawing…</p></div>
      <details><summary>As a table</summary>
        <table><caption class="visually-hidden">Organisations identified per day</caption>
          <thead><tr><th scope="col">Day (UTC)</th><th scope="col">Organisations</th></tr></thead>
          <tbody>${daily.days.map((day, index) => html`<tr><td>${day}</td><td class="number">${daily.values[index]}</td></tr>`)}</tbody>
        </table></details>
    </section>
    <div class="columns">
      <section class="card" aria-labelledby="pages-title">
        <h2 id="pages-title">Top pages</h2>
        <table><caption class="visually-hidden">Most viewed pages by identified organisations</caption>
          <thead><tr><th scope="col">Page</th><th scope="col">Views</th></tr></thead>
          <tbody>${top(pages).map(([path, views]) => html`<tr><td><code>${path}</code></td><td class="number">${views}</td></tr>`)}</tbody></table>
      </section>
      <section class="card" aria-labelledby="countries-title">
        <h2 id="countries-title">Top countries</h2>
        <table><caption class="visually-hidden">Countries of identified organisations</caption>
          <thead><tr><th scope="col">Country</th><th scope="col">Organisations</th></tr></thead>
          <tbody>${top(countries).map(([country, count]) => html`<tr><td>${country}</td><td class="number">${count}</td></tr>`)}</tbody></table>
      </section>
    </div>
  `;
}
