import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, ApiError, type ExportRequest, may, type Annotation, type Lead, type SessionInfo, type View } from '../api';
import { formatAgo, formatDateTime } from '../format';
import { html } from '../html';
import { scoreOf } from '../score';
import { ScoreBadge } from '../score-badge';

/**
 * The feed: leads newest first or by score, filtered, in saved views, exported as CSV, with a count of new leads
 * polled every 30 seconds. Filters the leads API takes go to the API; the others (a page's part of a path, a tag)
 * are applied to the loaded pages here, under the same names, so a saved view keeps working. The CSV export is the
 * export API's (audited, streamed to a file by the export function): it takes the API's filters of the view.
 */

export interface Filters {
  period: string;
  country: string;
  confidence: string;
  path: string;
  minVisits: string;
  minPageviews: string;
  tag: string;
  sort: string;
  class: string;
  crm: string;
}
const EMPTY: Filters = { period: '30d', country: '', confidence: '', path: '', minVisits: '', minPageviews: '', tag: '', sort: 'newest', class: '', crm: '' };
const EXPORT_POLL_MS = 1_000;
const EXPORT_WAIT_MS = 120_000;
const PERIOD_DAYS: Record<string, number> = { '1d': 1, '7d': 7, '30d': 30, '90d': 90 };
const POLL_MS = 30_000;

const sinceOf = (period: string): string | undefined => {
  const days = PERIOD_DAYS[period];
  return days === undefined ? undefined : new Date(Date.now() - days * 86_400_000).toISOString();
};

/** The view's filters the leads API and the export API take (LeadFilters); path only as a whole path. */
function apiFilters(filters: Filters): NonNullable<ExportRequest['filters']> {
  const positive = (value: string) => (Number(value) >= 1 ? Math.floor(Number(value)) : undefined);
  const candidates = {
    since: sinceOf(filters.period),
    country: filters.country || undefined,
    confidence: (filters.confidence || undefined) as Lead['match']['confidence'] | undefined,
    class: (filters.class || undefined) as NonNullable<ExportRequest['filters']>['class'],
    minVisits: positive(filters.minVisits),
    minPageviews: positive(filters.minPageviews),
  };
  return Object.fromEntries(Object.entries(candidates).filter(([, value]) => value !== undefined));
}

/** The leads list takes the CRM standing too (the export does not). */
function serverQuery(filters: Filters): Record<string, string | undefined> {
  return { ...Object.fromEntries(Object.entries(apiFilters(filters)).map(([name, value]) => [name, String(value)])), crm: filters.crm || undefined };
}

function keeps(filters: Filters, lead: Lead, annotation: Annotation | undefined): boolean {
  if (filters.confidence && lead.match.confidence !== filters.confidence) return false;
  if (filters.minVisits && lead.visits < Number(filters.minVisits)) return false;
  if (filters.minPageviews && lead.pageviews < Number(filters.minPageviews)) return false;
  if (filters.path && !lead.topPages.some((page) => page.path.includes(filters.path))) return false;
  if (filters.tag && !(annotation?.tags ?? []).includes(filters.tag.toLowerCase())) return false;
  return true;
}

export function FeedPage({ session, siteId }: { session: SessionInfo; siteId: string }) {
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [leads, setLeads] = useState<Lead[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [annotations, setAnnotations] = useState<Map<string, Annotation>>(new Map());
  const [state, setState] = useState<'loading' | 'ready' | 'error'>('loading');
  const [message, setMessage] = useState('');
  const [loadedAt, setLoadedAt] = useState(new Date().toISOString());
  const [newCount, setNewCount] = useState(0);
  const [views, setViews] = useState<View[]>([]);

  async function load(next: Filters, after?: string) {
    setState('loading');
    try {
      const page = await api.leads(siteId, { ...serverQuery(next), limit: '100', cursor: after });
      const notes = api.annotations(siteId, page.items.map((lead) => lead.leadId));
      const show = () => {
        setLeads((known) => (after ? [...known, ...page.items] : page.items));
        setCursor(page.nextCursor);
        if (!after) {
          setLoadedAt(new Date().toISOString());
          setNewCount(0);
        }
      };
      // Tags only decorate the rows, so the rows show while they load, unless a tag filter decides which rows show.
      if (!next.tag) show();
      const { items } = await notes;
      setAnnotations((known) => new Map([...(after ? known : []), ...items.map((note) => [note.leadId, note] as const)]));
      if (next.tag) show();
      setState('ready');
    } catch (error) {
      setMessage(error instanceof ApiError ? error.message : 'The leads could not be loaded.');
      setState('error');
    }
  }

  // A layout effect runs as the page mounts; a plain effect would wait for the next frame, up to 100 ms of nothing.
  useLayoutEffect(() => {
    void load(filters);
  }, [siteId, filters]);
  // Saved views load after the first page of leads, which is what the reader opened the feed for.
  const leadsShown = state !== 'loading' || leads.length > 0;
  useEffect(() => {
    if (leadsShown) void api.views(siteId).then((list) => setViews(list.items), () => setViews([]));
  }, [siteId, leadsShown]);
  // The count of new leads: the same question every 30 s, so the API answers 304 without a body until it changes.
  const pollTag = useRef<string | undefined>(undefined);
  useEffect(() => {
    pollTag.current = undefined;
    const timer = setInterval(() => {
      void api.leadsIfChanged(siteId, { ...serverQuery(filters), since: loadedAt, limit: '100' }, pollTag.current).then((answer) => {
        if (!answer) return;
        pollTag.current = answer.etag;
        setNewCount(answer.body.items.filter((lead) => lead.lastSeenAt > loadedAt).length);
      }, () => undefined);
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [siteId, filters, loadedAt]);

  const rows = useMemo(() => {
    const kept = leads.filter((lead) => keeps(filters, lead, annotations.get(lead.leadId))).map((lead) => ({ lead, ...scoreOf(lead) }));
    return filters.sort === 'score' ? kept.sort((a, b) => b.score - a.score) : kept;
  }, [leads, annotations, filters]);

  const field = (name: keyof Filters) => ({
    id: `filter-${name}`,
    name,
    value: draft[name],
    onInput: (event: Event) => setDraft({ ...draft, [name]: (event.target as HTMLInputElement).value }),
  });

  async function exportCsv() {
    const exportFilters = apiFilters(filters);
    const left = [filters.path ? 'page visited' : '', filters.tag ? 'tag' : '', filters.crm ? 'CRM' : ''].filter(Boolean);
    setMessage('Exporting…');
    try {
      let job = await api.startExport(siteId, { format: 'csv', visits: false, filters: exportFilters });
      for (const deadline = Date.now() + EXPORT_WAIT_MS; job.status === 'queued' || job.status === 'running'; ) {
        if (Date.now() > deadline) throw new Error('the export is still running; try again in a minute');
        await new Promise((resolve) => setTimeout(resolve, EXPORT_POLL_MS));
        job = await api.exportJob(siteId, job.exportId);
      }
      if (job.status !== 'succeeded' || !job.url) throw new Error(job.error ?? 'the export failed');
      setMessage(`Exported ${job.leads ?? 0} organisation${job.leads === 1 ? '' : 's'}${left.length ? ` (without the ${left.join(' and ')} filter, which the export does not take)` : ''}.`);
      location.assign(job.url);
    } catch (error) {
      setMessage(`Not exported: ${(error as Error).message}`);
    }
  }

  async function saveView(event: Event) {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const chosen = Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== '')) as Record<string, string>;
    try {
      const view = await api.saveView(siteId, { name: String(data.get('viewName') ?? ''), filters: chosen, shared: data.get('shared') === 'on' });
      setViews([...views, view].sort((a, b) => a.name.localeCompare(b.name)));
      setMessage(`View “${view.name}” saved.`);
      form.reset();
    } catch (error) {
      setMessage(`The view was not saved: ${(error as Error).message}`);
    }
  }

  function applyView(viewId: string) {
    const view = views.find((candidate) => candidate.viewId === viewId);
    if (!view) return;
    const next = { ...EMPTY, ...view.filters } as Filters;
    setDraft(next);
    setFilters(next);
  }

  async function deleteView(viewId: string) {
    await api.deleteView(siteId, viewId);
    setViews(views.filter((view) => view.viewId !== viewId));
    setMessage('View deleted.');
  }

  return html`
    <h1 tabindex="-1">Feed</h1>
    <section aria-labelledby="filters-title" class="card">
      <h2 id="filters-title">Filters</h2>
      <form class="filters" onSubmit=${(event: Event) => (event.preventDefault(), setFilters(draft))}>
        <div class="field"><label for="filter-period">Period</label>
          <select ...${field('period')}>
            <option value="1d">Last 24 hours</option><option value="7d">Last 7 days</option>
            <option value="30d">Last 30 days</option><option value="90d">Last 90 days</option><option value="">All kept data</option>
          </select></div>
        <div class="field"><label for="filter-country">Country</label>
          <input ...${field('country')} size="3" maxlength="2" pattern="[A-Za-z]{2}" placeholder="e.g. DE" /></div>
<div class="field"><label for="filter-confidence">Confidence</label>
          <select ...${field('confidence')}><option value="">Any</option><option value="high">High</option>
            <option value="medium">Medium</option><option value="low">Low</option></select></div>
        <div class="field"><label for="filter-class">Network</label>
          <select ...${field('class')}><option value="">Any</option><option value="business">Business</option>
            <option value="education">Education</option><option value="government">Government</option></select></div>
        <div class="field"><label for="filter-crm">In the CRM</label>
          <select ...${field('crm')}><option value="">Any</option><option value="customer">Customer</option>
            <option value="open-deal">Open deal</option><option value="known">Known account</option>
            <option value="any">Matched or linked</option><option value="none">Not in the CRM</option></select></div>
        <div class="field"><label for="filter-path">Page visited</label><input ...${field('path')} placeholder="/pricing" /></div>
        <div class="field"><label for="filter-minVisits">Minimum visits</label><input ...${field('minVisits')} type="number" min="1" /></div>
        <div class="field"><label for="filter-minPageviews">Minimum pages</label><input ...${field('minPageviews')} type="number" min="1" /></div>
        <div class="field"><label for="filter-tag">Tag</label><input ...${field('tag')} /></div>
        <div class="field"><label for="filter-sort">Order</label>
          <select ...${field('sort')}><option value="newest">Newest first</option><option value="score">Highest score first</option></select></div>
        <div class="actions"><button type="submit">Apply filters</button>
          <button type="button" class="secondary" onClick=${() => (setDraft(EMPTY), setFilters(EMPTY))}>Clear</button></div>
      </form>
    </section>

    <section aria-labelledby="views-title" class="card views">
      <h2 id="views-title">Saved views</h2>
      ${views.length === 0
        ? html`<p>No saved views yet.</p>`
        : html`<ul class="view-list">${views.map(
            (view) => html`<li>
              <button type="button" class="link" onClick=${() => applyView(view.viewId)}>${view.name}</button>
              <span class="badge">${view.shared ? 'shared' : 'private'}</span>
              ${view.mine ? html`<button type="button" class="link danger" aria-label=${`Delete view ${view.name}`} onClick=${() => deleteView(view.viewId)}>Delete</button>` : null}
            </li>`,
          )}</ul>`}
      ${may(session, 'views:write')
        ? html`<form class="inline" onSubmit=${saveView}>
            <div class="field"><label for="view-name">Save these filters as</label><input id="view-name" name="viewName" required maxlength="80" /></div>
            ${may(session, 'views:share') ? html`<div class="check"><input type="checkbox" id="view-shared" name="shared" /><label for="view-shared">Shared with everyone</label></div>` : null}
            <button type="submit">Save view</button>
          </form>`
        : null}
    </section>

    <div class="feed-bar">
      <p role="status" aria-live="polite">
        ${state === 'loading' ? 'Loading leads…' : `${rows.length} organisation${rows.length === 1 ? '' : 's'} shown`}
        ${newCount > 0 ? html` · <button type="button" class="link" onClick=${() => load(filters)}>${newCount} new since ${formatAgo(loadedAt)}: show</button>` : null}
        ${message ? html` · ${message}` : null}
      </p>
      ${may(session, 'leads:export') ? html`<button type="button" onClick=${exportCsv} disabled=${rows.length === 0}>Export CSV</button>` : null}
    </div>
    ${state === 'error' ? html`<p class="error" role="alert">${message}</p>` : null}
    <table class="leads">
      <caption class="visually-hidden">Organisations that visited site ${siteId}</caption>
      <colgroup><col class="col-organisation" /><col class="col-score" /><col class="col-country" /><col class="col-seen" /><col class="col-count" /><col class="col-count" /><col class="col-confidence" /><col class="col-tags" /></colgroup>
      <thead><tr><th scope="col">Organisation</th><th scope="col">Score</th><th scope="col">Country</th><th scope="col">Last seen</th>
        <th scope="col">Visits</th><th scope="col">Pages</th><th scope="col">Confidence</th><th scope="col">Tags</th></tr></thead>
      <tbody>
        ${rows.map(
          ({ lead, score, signals }) => html`<tr key=${lead.leadId}>
            <th scope="row"><a href=${`#/company/${encodeURIComponent(lead.leadId)}`}>${lead.organisation.name}</a>
              ${lead.organisation.domain ? html`<span class="muted"> ${lead.organisation.domain}</span>` : null}</th>
            <td><${ScoreBadge} id=${lead.leadId} score=${score} signals=${signals} /></td>
            <td>${lead.location.country}${lead.location.city ? html`<span class="muted"> ${lead.location.city}</span>` : null}</td>
            <td><time datetime=${lead.lastSeenAt} title=${formatDateTime(lead.lastSeenAt)}>${formatAgo(lead.lastSeenAt)}</time></td>
            <td class="number">${lead.visits}</td>
            <td class="number">${lead.pageviews}</td>
            <td>${lead.match.confidence}</td>
            <td>${(annotations.get(lead.leadId)?.tags ?? []).map((tag) => html`<span class="tag">${tag}</span> `)}</td>
          </tr>`,
        )}
      </tbody>
    </table>
    ${cursor ? html`<p><button type="button" onClick=${() => load(filters, cursor)} disabled=${state === 'loading'}>Load more</button></p>` : null}
  `;
}
