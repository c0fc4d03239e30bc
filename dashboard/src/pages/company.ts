import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, may, type Annotation, type LeadWithVisits, type SessionInfo } from '../api';
import { drawDaily, perDay } from '../chart';
import { formatDate, formatDateTime, formatDuration } from '../format';
import { html } from '../html';
import { scoreOf } from '../score';
import { ScoreBadge } from '../score-badge';
import { CrmPanel } from './company-crm';

/**
 * One organisation: who it is and why it matched (which data, which range, how sure), its visits in order with
 * time on each page, when each visit and the lead will be deleted, and what a user may do with it.
 */

/** docs/classification.md: which data names an organisation, and whose it is (attribution the licences require). */
const SOURCES: Record<string, string> = {
  'asn-registry':
    'The network’s registered holder: RouteViews, NRO delegation files and DB-IP lite via @ip-location-db/asn (CC BY 4.0), classified by Eirlead’s rules and curation.',
  override: 'A range you configured as this organisation’s (cdk.json ipOverrides).',
  'form-domain': 'A domain a visitor typed into a form on your site; not verified.',
};
const CONFIDENCE: Record<string, string> = {
  high: 'high: the range is registered to this organisation itself',
  medium: 'medium: the holder is likely this organisation, but shares or resells ranges',
  low: 'low: a weak or unverified signal',
};

const addDays = (iso: string, days: number): string => new Date(Date.parse(iso) + days * 86_400_000).toISOString();

export function CompanyPage({ session, siteId, leadId }: { session: SessionInfo; siteId: string; leadId: string }) {
  const [lead, setLead] = useState<LeadWithVisits | null>(null);
  const [annotation, setAnnotation] = useState<Annotation | undefined>(undefined);
  const [error, setError] = useState('');
  const [status, setStatus] = useState('');
  const chart = useRef<HTMLDivElement>(null);

  useEffect(() => {
    api.lead(siteId, leadId).then(
      (found) => {
        setLead(found);
        void api.annotations(siteId, [leadId]).then((list) => setAnnotation(list.items[0]), () => undefined);
      },
      (failure: unknown) => setError(failure instanceof ApiError && failure.status === 404 ? 'This organisation is not (or no longer) in the leads.' : String((failure as Error).message)),
    );
  }, [siteId, leadId]);

  useEffect(() => {
    if (!lead || !chart.current) return;
    let destroy: (() => void) | undefined;
    const { days, values } = perDay(
      lead.visits.map((visit) => visit.startedAt),
      30,
    );
    void drawDaily(chart.current, { label: 'Visits', days, values }).then((done) => (destroy = done));
    return () => destroy?.();
  }, [lead]);

  if (error) return html`<h1 tabindex="-1">Company</h1><p class="error" role="alert">${error}</p><p><a href="#/feed">Back to the feed</a></p>`;
  if (!lead) return html`<h1 tabindex="-1">Company</h1><p role="status">Loading…</p>`;

  const { score, signals } = scoreOf({ ...lead, visits: lead.visits.length });
  const place = [lead.location.city, lead.location.region, lead.location.country].filter(Boolean).join(', ');

  async function hide() {
    if (!lead) return;
    const rule = lead.organisation.asn !== undefined ? { asn: lead.organisation.asn } : lead.organisation.domain ? { domain: lead.organisation.domain } : { name: lead.organisation.name };
    try {
      await api.hide(siteId, rule);
      location.hash = '#/feed';
    } catch (failure) {
      setStatus(`Not hidden: ${(failure as Error).message}`);
    }
  }

  async function erase() {
    if (!lead || !confirm(`Erase ${lead.organisation.name} and all its visits now? This cannot be undone.`)) return;
    await api.eraseLead(siteId, lead.leadId);
    location.hash = '#/feed';
  }

  async function saveTags(event: Event) {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const tags = String(data.get('tags') ?? '')
      .split(',')
      .map((tag) => tag.trim())
      .filter(Boolean);
    try {
      setAnnotation(await api.annotate(siteId, leadId, { tags, assignedToMe: data.get('assigned') === 'on' }));
      setStatus('Tags and assignment saved.');
    } catch (failure) {
      setStatus(`Not saved: ${(failure as Error).message}`);
    }
  }

  return html`
    <p><a href="#/feed">← Feed</a></p>
    <h1 tabindex="-1">${lead.organisation.name}</h1>
    <p class="lede">${lead.organisation.domain ? html`${lead.organisation.domain} · ` : null}${place}${' · score '}<${ScoreBadge} id=${lead.leadId} score=${score} signals=${signals} /></p>
    <p role="status" aria-live="polite">${status}</p>

    <div class="columns">
      <section class="card" aria-labelledby="why-title">
        <h2 id="why-title">Why it matched</h2>
        <dl>
          <dt>Source</dt><dd>${SOURCES[lead.match.source] ?? lead.match.source}</dd>
          <dt>Network</dt><dd><code>${lead.match.network}</code>${lead.organisation.asn !== undefined ? html` (AS${lead.organisation.asn})` : null}</dd>
          <dt>Confidence</dt><dd>${CONFIDENCE[lead.match.confidence] ?? lead.match.confidence}</dd>
          ${lead.match.reason ? html`<dt>Decided by</dt><dd>${lead.match.reason}</dd>` : null}
          <dt>Location</dt><dd>${place || 'unknown'} (DB-IP lite, CC BY 4.0)</dd>
        </dl>
      </section>
      <section class="card" aria-labelledby="keep-title">
        <h2 id="keep-title">Kept until</h2>
        <dl>
          <dt>First seen</dt><dd>${formatDateTime(lead.firstSeenAt)}</dd>
          <dt>Last seen</dt><dd>${formatDateTime(lead.lastSeenAt)}</dd>
          <dt>This lead</dt><dd>deleted on ${formatDate(lead.expiresAt)}, unless seen again</dd>
          <dt>Each visit</dt><dd>deleted ${session.retention.visitDays} days after it ended (dates below)</dd>
        </dl>
      </section>
    </div>

    <section class="card" aria-labelledby="chart-title">
      <h2 id="chart-title">Visits in the last 30 days</h2>
      <div ref=${chart} class="chart"><p class="muted">Drawing…</p></div>
    </section>

    <section class="card" aria-labelledby="actions-title">
      <h2 id="actions-title">Actions</h2>
      ${may(session, 'leads:tag')
        ? html`<form class="inline" onSubmit=${saveTags}>
            <div class="field"><label for="tags">Tags (comma-separated)</label>
              <input id="tags" name="tags" value=${(annotation?.tags ?? []).join(', ')} /></div>
            <div class="check"><input type="checkbox" id="assigned" name="assigned" checked=${annotation?.assignee === session.principal} />
              <label for="assigned">Assigned to me</label></div>
            <button type="submit">Save tags</button>
          </form>`
        : html`<p>Tags: ${(annotation?.tags ?? []).join(', ') || 'none'}</p>`}
      <div class="actions">
        ${may(session, 'leads:hide') ? html`<button type="button" onClick=${hide}>Hide this organisation</button>` : null}
        ${may(session, 'leads:erase') ? html`<button type="button" class="danger" onClick=${erase}>Erase this lead</button>` : null}
      </div>
    </section>

    <${CrmPanel} session=${session} siteId=${siteId} lead=${lead} />

    <section aria-labelledby="visits-title">
      <h2 id="visits-title">Visits (${lead.visits.length}), newest first</h2>
      <ol class="visits">
        ${lead.visits.map(
          (visit) => html`<li class="card" key=${visit.visitId}>
            <h3>${formatDateTime(visit.startedAt)} · ${formatDuration(Date.parse(visit.endedAt) - Date.parse(visit.startedAt))}</h3>
            <p class="muted">${visit.referrer ? `From ${visit.referrer}` : 'No referrer'} · deleted on ${formatDate(addDays(visit.endedAt, session.retention.visitDays))}</p>
            <ol class="pages">
              ${visit.pages.map((page, index) => {
                const next = visit.pages[index + 1];
                return html`<li><code>${page.path}</code>${page.title ? html` <span class="muted">${page.title}</span>` : null}
                  <span class="muted"> · ${next ? formatDuration(Date.parse(next.at) - Date.parse(page.at)) : 'last page'}</span></li>`;
              })}
            </ol>
          </li>`,
        )}
      </ol>
    </section>
  `;
}
