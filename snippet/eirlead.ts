/**
 * The Eirlead tracking snippet (browser, no dependencies; `npm run build:snippet` bundles it into
 * build/snippet/eirlead.js, at most 2 KB gzipped). Install:
 *
 *   <script>window.eirlead=window.eirlead||function(){(eirlead.q=eirlead.q||[]).push(arguments)}</script>
 *   <script async src="https://API/v1/snippet.js" data-site="SITE_ID"></script>
 *
 * Script tag settings: `data-site` (required), `data-endpoint` (default: where the stack that served the script
 * takes events, its ingest function URL by default; for a copy served elsewhere, `events` next to the script, i.e.
 * `…/v1/events` when served by the API, stage prefix included), `data-consent` `required` (default) or
 * `implied`, `data-dnt="ignore"` to set Do Not Track (not Global Privacy Control) aside, `data-forms="on"` to
 * send the e-mail domain of submitted forms, `data-forms="link"` to send with it the visit's earlier page views,
 * so that a home-office visitor's whole visit goes to the organisation the domain names (their network is a
 * carrier's, whose page views are otherwise dropped).
 *
 * Cookie-free: no cookies, no fingerprinting. Written to the visitor's device only: an explicit opt-out
 * (localStorage `eirlead:opt-out`), and only when the visitor opts out; with `data-forms="link"` and consent, the
 * page views of the current visit in this tab (sessionStorage `eirlead:visit`: id, address without query, title,
 * time; gone when the tab closes, 30 minutes after the last page, or when consent ends).
 */
import { emailDomainOf, originAndPath, type TcData, tcfDecision } from './rules';

type Command = (name?: unknown, value?: unknown) => void;
interface EirleadApi extends Command {
  /** Calls made before the snippet loaded, by the stub in the install line. */
  q?: ArrayLike<unknown>[];
  /** Set on the real function, so a second copy of the snippet on the page stays inert. */
  loaded?: 1;
}
type TcfApi = (command: string, version: number, callback: (tcData: TcData, success: boolean) => void) => void;

declare global {
  interface Window {
    eirlead?: EirleadApi;
    __tcfapi?: TcfApi;
  }
  interface Navigator {
    /** https://privacycg.github.io/gpc-spec/ (not yet in TypeScript's DOM types). */
    globalPrivacyControl?: boolean;
  }
}

const OPT_OUT_KEY = 'eirlead:opt-out';
const VISIT_KEY = 'eirlead:visit';
/** The server's visit timeout (functions/domain/leads/aggregate.ts VISIT_TIMEOUT_MS). */
const VISIT_TIMEOUT_MS = 18e5;
/** Earlier page views a form sends along: with its page's page view, engagement and itself, within the API's 25. */
const MAX_LINKED = 20;
/** The API's limit for `engagedMs`. */
const MAX_ENGAGED_MS = 864e5;
/** How long a page view may wait for its page to be left before it is sent anyway. */
const MAX_DEFER_MS = 12e4;
/**
 * Where to send events when the tag names no `data-endpoint`: the snippet function writes its stack's events URL
 * over this placeholder as it serves the script (functions/snippet/app.ts). A copy served elsewhere keeps the
 * placeholder, and sends to `events` next to the script.
 */
const SERVED_ENDPOINT = '__EIRLEAD_EVENTS_URL__';

const win = window;
const doc = document;
const nav = navigator;
const loc = location;
// document.currentScript is null in handlers and for module scripts; the data-site attribute finds the tag then.
const script = (doc.currentScript ?? doc.querySelector('script[data-site]')) as HTMLScriptElement | null;
const config = script?.dataset;

if (script && config?.site && !win.eirlead?.loaded) {
  const siteId = config.site;
  const endpoint = config.endpoint || (SERVED_ENDPOINT.indexOf('__') ? SERVED_ENDPOINT : new URL('events', script.src || loc.href).href);
  // A browser-wide "do not sell or share" (GPC) or "do not track" (DNT) signal blocks sending outright: no
  // banner answer on one site can override what the visitor set for every site. `data-dnt="ignore"` lets a site
  // that relies on consent alone set aside DNT, which browsers no longer offer; GPC is always honoured.
  const blockedBySignal = nav.globalPrivacyControl === true || (nav.doNotTrack === '1' && config.dnt !== 'ignore');
  let consented = config.consent === 'implied';

  const optedOut = (): boolean => {
    try {
      return localStorage.getItem(OPT_OUT_KEY) !== null;
    } catch {
      // Storage is blocked (private mode, sandboxed frame): no opt-out can have been stored.
      return false;
    }
  };

  const uuid = (): string =>
    crypto.randomUUID
      ? crypto.randomUUID()
      : // randomUUID exists only in secure contexts; a version 4 UUID from getRandomValues otherwise.
        '10000000-1000-4000-8000-100000000000'.replace(/[018]/g, (digit) =>
          (+digit ^ (crypto.getRandomValues(new Uint8Array(1))[0]! & (15 >> (+digit / 4)))).toString(16),
        );

  const allowed = (): boolean => consented && !blockedBySignal && !optedOut();
  type Fields = Record<string, unknown>;
  const iso = (): string => new Date().toISOString();
  /** An event as the API takes it: its id and time are fixed when it happens, so sending it again is harmless. */
  const event = (fields: Fields): Fields => ({ id: uuid(), occurredAt: iso(), ...fields });

  const linking = config.forms === 'link';
  /** The page views of this visit sent so far (`data-forms="link"`). */
  const visitPages = (): Fields[] => {
    try {
      const pages = JSON.parse(sessionStorage.getItem(VISIT_KEY) ?? '[]') as Fields[];
      const last = pages[pages.length - 1];
      return last && Date.parse(last.occurredAt as string) > Date.now() - VISIT_TIMEOUT_MS ? pages : [];
    } catch {
      return [];
    }
  };
  const forgetVisit = (): void => {
    if (!linking) return;
    try {
      sessionStorage.removeItem(VISIT_KEY);
    } catch {
      // Storage blocked: nothing was kept.
    }
  };
  const rememberPages = (sent: Fields[]): void => {
    if (!linking) return;
    const pages = visitPages();
    for (const { id, type, url, title, occurredAt } of sent) {
      if (type === 'pageview' && !pages.some((page) => page.id === id)) {
        pages.push({ id, type, url, title, occurredAt });
      }
    }
    try {
      sessionStorage.setItem(VISIT_KEY, JSON.stringify(pages.slice(-MAX_LINKED)));
    } catch {
      // Storage blocked: the form then names only its own page.
    }
  };

  /** Sends events in one request if allowed; true when it was handed to the browser. */
  const post = (events: Fields[]): boolean => {
    if (!allowed()) return false;
    // sentAt lets the server correct every occurredAt for this browser's clock error.
    const body = JSON.stringify({ siteId, sentAt: iso(), events });
    if (!nav.sendBeacon?.(endpoint, new Blob([body], { type: 'text/plain' }))) {
      // text/plain keeps it a simple request (no CORS preflight), as the beacon is.
      fetch(endpoint, { method: 'POST', body, keepalive: true, credentials: 'omit', headers: { 'Content-Type': 'text/plain' } }).catch(
        () => undefined,
      );
    }
    return true;
  };

  // One request per page, not two: the page view waits until the page is left or hidden (navigation, tab switch,
  // close; the last moment a browser reliably lets a page send anything) and goes out with the time the page was
  // visible. A page that stays open longer than MAX_DEFER_MS is sent then, so its lead does not wait for it.
  // Origin and path only: neither query string nor fragment leaves the browser (rules.ts originAndPath).
  const here = (): string => loc.origin + loc.pathname;
  let pageUrl = here();
  let pending: Fields | undefined;
  let deadline: ReturnType<typeof setTimeout> | undefined;
  let visibleSince = doc.visibilityState === 'visible' ? Date.now() : 0;
  let engagedMs = 0;

  /** Sends the waiting page view (if any), the page's visible time so far (if any) and `extra` together. */
  const flush = (...extra: Fields[]): void => {
    if (visibleSince) {
      engagedMs += Date.now() - visibleSince;
      visibleSince = doc.visibilityState === 'visible' ? Date.now() : 0;
    }
    const engagement = engagedMs > 0 ? [event({ type: 'engagement', url: pageUrl, engagedMs: Math.min(engagedMs, MAX_ENGAGED_MS) })] : [];
    const events = [...(pending ? [pending] : []), ...engagement, ...extra];
    if (events.length > 0 && post(events)) {
      rememberPages(events);
      pending = undefined;
      engagedMs = 0;
      clearTimeout(deadline);
    }
  };

  // One page view per page: the path is what the server stores, so query or hash changes are not new pages.
  let seenPath = loc.pathname;
  let referrer = originAndPath(doc.referrer);
  let sentFor: string | undefined;
  const pageview = (): void => {
    const path = loc.pathname;
    if (sentFor === path || !allowed()) return;
    sentFor = path;
    pageUrl = here();
    pending = event({ type: 'pageview', url: pageUrl, title: doc.title.slice(0, 300), ...(referrer ? { referrer } : {}) });
    deadline = setTimeout(flush, MAX_DEFER_MS);
  };
  const navigated = (): void => {
    if (loc.pathname === seenPath) return;
    // The page being left: its page view and time, as a full navigation would send them on hide.
    flush();
    referrer = loc.origin + seenPath;
    seenPath = loc.pathname;
    pageview();
  };
  for (const method of ['pushState', 'replaceState'] as const) {
    const original = history[method];
    history[method] = function (this: History, ...args: Parameters<History['pushState']>) {
      original.apply(this, args);
      // Single-page apps usually set the new title right after changing the URL.
      setTimeout(navigated);
    };
  }
  win.addEventListener('popstate', () => setTimeout(navigated));
  // A page restored from the back-forward cache is shown again without loading: another view of it, from a page
  // the browser does not name.
  win.addEventListener('pageshow', (shown) => {
    if (shown.persisted) {
      sentFor = referrer = undefined;
      pageview();
    }
  });

  // Visible time only.
  doc.addEventListener('visibilitychange', () => {
    if (doc.visibilityState === 'visible') visibleSince = Date.now();
    else flush();
  });

  if (linking || config.forms === 'on') {
    // Capture phase: runs before the site's own handler, which may stop the event or replace the page.
    doc.addEventListener(
      'submit',
      (submitted) => {
        const form = submitted.target;
        if (!(form instanceof HTMLFormElement)) return;
        for (const input of form.querySelectorAll<HTMLInputElement>('input[type=email],input[name*=mail i]')) {
          const emailDomain = emailDomainOf(input.value);
          if (emailDomain) {
            const earlier = linking ? visitPages().filter((page) => page.id !== pending?.id) : [];
            flush(event({ type: 'form', url: here(), emailDomain }), ...earlier);
            return;
          }
        }
      },
      true,
    );
  }

  const setConsent = (value: boolean): void => {
    consented = value;
    if (!value) forgetVisit();
    // Consent given later on the same page counts the page the visitor is on.
    if (value) pageview();
  };

  const command: EirleadApi = (name, value) => {
    if (name === 'consent') setConsent(value === true);
    if (name === 'optout') {
      try {
        if (value === false) localStorage.removeItem(OPT_OUT_KEY);
        else localStorage.setItem(OPT_OUT_KEY, '1');
      } catch {
        // Not storable: the opt-out still holds for this page.
      }
      if (value !== false) {
        consented = false;
        forgetVisit();
      }
    }
  };
  command.loaded = 1;
  const queued = win.eirlead?.q ?? [];
  win.eirlead = command;
  for (const args of queued) command(args[0], args[1]);

  // The most recent decision wins, whether it came from the plain API or from the CMP. A CMP whose script comes
  // after this one on the page defines __tcfapi later: it is looked for every 250 ms for 10 s.
  let cmpChecks = 40;
  const followCmp = (): void => {
    if (win.__tcfapi)
      win.__tcfapi('addEventListener', 2, (tcData, success) => {
        const decision = success ? tcfDecision(tcData) : undefined;
        if (decision !== undefined) setConsent(decision);
      });
    else if (cmpChecks--) setTimeout(followCmp, 250);
  };
  followCmp();

  pageview();
}
