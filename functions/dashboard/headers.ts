import { SECURITY_HEADERS } from '../platform/http';

/**
 * The dashboard's pages: no inline script or style and no eval anywhere (the build emits files only), so the
 * policy names only this origin; `frame-ancestors 'none'` refuses framing (clickjacking), `base-uri 'none'` stops
 * an injected <base> from redirecting relative URLs, `form-action 'self'` keeps the sign-in form posting here.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

export const PAGE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
  // A page names no data, but it tells whether someone is signed in: revalidate every time.
  'Cache-Control': 'no-cache',
  ...SECURITY_HEADERS,
} as const;

/** Hashed file names change with their content, so a browser may keep them for a year without asking again. */
export const ASSET_CACHE_CONTROL = 'public, max-age=31536000, immutable';
