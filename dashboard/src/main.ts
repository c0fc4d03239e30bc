import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, type SessionInfo } from './api';
import { html } from './html';
import { CompanyPage } from './pages/company';
import { FeedPage } from './pages/feed';
import { OverviewPage } from './pages/overview';
import { PrivacyPage } from './pages/privacy';
import { SettingsPage } from './pages/settings';

/**
 * The app: one document, pages by the URL's fragment (#/feed, #/company/{leadId}, …), so a reload or a shared link
 * opens the same page without a server route per page. Every page loads its own JSON from the v1 API.
 */

const PAGES = [
  { path: 'feed', label: 'Feed' },
  { path: 'overview', label: 'Overview' },
  { path: 'privacy', label: 'Privacy' },
  { path: 'settings', label: 'Settings' },
] as const;

const currentRoute = (): string[] => (location.hash.replace(/^#\/?/, '') || 'feed').split('/').map(decodeURIComponent);

function App({ session }: { session: SessionInfo }) {
  const [route, setRoute] = useState(currentRoute());
  const [siteId, setSiteId] = useState(session.knownSites[0] ?? '');
  useEffect(() => {
    const onHash = () => {
      setRoute(currentRoute());
      // A page change moves focus to its heading, so keyboard and screen-reader users start at the top of it.
      requestAnimationFrame(() => document.querySelector<HTMLElement>('main h1')?.focus());
    };
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  const [page = 'feed', argument = ''] = route;
  const title = PAGES.find((candidate) => candidate.path === page)?.label ?? 'Company';
  useEffect(() => {
    document.title = `${title} · Eirlead`;
  }, [title]);

  const content =
    siteId === ''
      ? html`<p>This sign-in covers no site of this deployment.</p>`
      : page === 'company'
        ? html`<${CompanyPage} key=${argument} session=${session} siteId=${siteId} leadId=${argument} />`
        : page === 'overview'
          ? html`<${OverviewPage} siteId=${siteId} />`
          : page === 'privacy'
            ? html`<${PrivacyPage} session=${session} siteId=${siteId} />`
            : page === 'settings'
              ? html`<${SettingsPage} session=${session} siteId=${siteId} />`
              : html`<${FeedPage} session=${session} siteId=${siteId} />`;

  return html`
    <header class="top">
      <span class="brand">Eirlead</span>
      <nav aria-label="Main">
        <ul>
          ${PAGES.map(
            (item) => html`<li><a href=${`#/${item.path}`} aria-current=${item.path === page ? 'page' : undefined}>${item.label}</a></li>`,
          )}
        </ul>
      </nav>
      ${session.knownSites.length > 1
        ? html`<label class="site">Site <select value=${siteId} onChange=${(event: Event) => setSiteId((event.target as HTMLSelectElement).value)}>
            ${session.knownSites.map((id) => html`<option value=${id}>${id}</option>`)}
          </select></label>`
        : html`<span class="site">Site <strong>${siteId}</strong></span>`}
      <span class="who">
        ${session.localOnly ? html`<span class="badge warn" title="Signed in with LOCAL_API_KEY: the local runtime only">local key</span>` : null}
        ${session.role ?? 'API key'}
      </span>
      <form method="post" action="sign-out"><button type="submit" class="link">Sign out</button></form>
    </header>
    <main id="main">${content}</main>
  `;
}

async function start(): Promise<void> {
  const root = document.getElementById('app');
  if (!root) return;
  try {
    const session = await api.session();
    root.textContent = '';
    render(html`<${App} session=${session} />`, root);
  } catch (error) {
    root.textContent = `The dashboard could not load: ${(error as Error).message}`;
  }
}

void start();
