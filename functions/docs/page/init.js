// Starts Redoc on the API's own document (served next to this page: no other origin, see the page's CSP).
/* global Redoc */
Redoc.init(
  'v1/openapi.json',
  {
    expandResponses: '200,202',
    requiredPropsFirst: true,
    pathInMiddlePanel: true,
    hideDownloadButton: false,
    theme: { colors: { primary: { main: '#1f5f8b' } }, typography: { fontFamily: 'system-ui, sans-serif', headings: { fontFamily: 'system-ui, sans-serif' } } },
  },
  document.getElementById('redoc'),
);

// Two things axe finds in Redoc's markup, mended as Redoc renders (it re-renders as the reader expands and scrolls):
// - a code sample that scrolls sideways must be reachable by keyboard to be scrolled: it is made focusable;
// - a menu entry's name must contain its visible text: a webhook's entry shows an "Event" badge that its aria-label
//   leaves out, so the entry is named by what it shows, with a space after the badge ("Event A rule matched…").
const mend = (root) => {
  for (const pre of root.querySelectorAll('pre:not([tabindex])')) pre.tabIndex = 0;
  for (const item of root.querySelectorAll('li[role=menuitem][aria-label]')) {
    const [badge, summary] = item.firstElementChild ? [...item.firstElementChild.children] : [];
    const label = item.getAttribute('aria-label');
    if (!badge || !summary || summary.textContent.trim() !== label) continue;
    if (badge.nextSibling === summary) badge.after(' ');
    item.setAttribute('aria-label', `${badge.textContent.trim()} ${label}`);
  }
};
const container = document.getElementById('redoc');
new MutationObserver(() => mend(container)).observe(container, { childList: true, subtree: true });
