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
