/** What of a page's address is kept: the path, and of the referrer scheme, host and path. */

/** Only the path: query strings and fragments carry e-mail addresses, tokens and campaign ids of persons. */
export function pathOf(url: string): string {
  return new URL(url).pathname.slice(0, 512);
}

/** Only scheme, host and path of the referrer, for the same reason. */
export function minimiseReferrer(referrer: string | undefined): string | undefined {
  if (!referrer) return undefined;
  const url = new URL(referrer);
  return `${url.protocol}//${url.host}${url.pathname}`.slice(0, 512);
}
