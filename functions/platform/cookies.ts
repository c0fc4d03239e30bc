/** Cookie and origin helpers shared by the authoriser and the dashboard. */

/** The value of one cookie in a `Cookie` header (several headers arrive joined by `; ` or `, `). */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(/[;,]/)) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return undefined;
}

/**
 * A `__Host-` cookie: Secure, Path=/, no Domain (the browser refuses the prefix otherwise), HttpOnly so no script
 * can read it, SameSite=Strict so no other site's request carries it. `maxAgeSeconds` 0 deletes it.
 */
export function hostCookie(name: string, value: string, maxAgeSeconds: number): string {
  return `${name}=${value}; Path=/; Max-Age=${maxAgeSeconds}; Secure; HttpOnly; SameSite=Strict`;
}

/**
 * Whether a state-changing request comes from a page of this origin (the CSRF check). Browsers send
 * `Sec-Fetch-Site`, which no script can set: it decides when present. Without it, the `Origin` header must name the
 * host the request was sent to. `Origin` alone is not enough: under `Referrer-Policy: no-referrer` a browser sends
 * `Origin: null` with a form post to its own origin.
 */
export function isSameOriginRequest(headers: { origin?: string; host?: string; fetchSite?: string }): boolean {
  if (headers.fetchSite !== undefined) return headers.fetchSite === 'same-origin';
  return isSameOrigin(headers.origin, headers.host);
}

/** Whether an `Origin` header names the host the request was sent to. */
export function isSameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (!origin || !host || origin === 'null') return false;
  try {
    return new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}
