import type { TrackedEvent } from '../../contracts/api/events';
import type { QueuedEvent } from '../../contracts/queue-message';

/**
 * Data minimisation of an accepted event, in the ingest function before anything is queued: what leaves it is what
 * is stored, no more. Query strings, fragments and credentials in URLs routinely carry e-mail addresses, reset
 * tokens, session ids and personal campaign ids; page titles can hold a signed-in person's address or an order,
 * phone or card number.
 */

const MAX_PATH = 512;
/** An e-mail address, plain or URL-encoded (`%40`). */
const EMAIL = /[\p{L}\p{N}._%+-]+(?:@|%40)[\p{L}\p{N}.-]+\.[\p{L}]{2,}/giu;
/** Six or more digits, possibly grouped by spaces, dots or dashes: phone, card, order and account numbers. */
const LONG_DIGIT_RUN = /\d(?:[\s.-]?\d){5,}/g;

/** The URL's path only, with any e-mail address in it replaced. */
export function pathOf(url: string): string {
  return new URL(url).pathname.replace(EMAIL, '[email]').slice(0, MAX_PATH);
}

/** Scheme, host and path of the referrer: no credentials (`URL.host` has none), query or fragment. */
export function minimiseReferrer(referrer: string | undefined): string | undefined {
  if (!referrer) return undefined;
  const url = new URL(referrer);
  return `${url.protocol}//${url.host}${url.pathname.replace(EMAIL, '[email]')}`.slice(0, MAX_PATH);
}

/** The title without e-mail addresses and long digit runs. */
export function scrubTitle(title: string): string {
  return title.replace(EMAIL, '[email]').replace(LONG_DIGIT_RUN, '[number]');
}

/** The event as it may be queued and stored; `occurredAt` must be set (the ingest function sets it). */
export function minimiseEvent(event: TrackedEvent): QueuedEvent {
  if (!event.occurredAt) throw new Error('minimiseEvent needs occurredAt');
  const referrer = minimiseReferrer(event.referrer);
  const base = {
    id: event.id,
    path: pathOf(event.url),
    ...(referrer ? { referrer } : {}),
    ...(event.title ? { title: scrubTitle(event.title) } : {}),
    occurredAt: event.occurredAt,
  };
  switch (event.type) {
    case 'pageview':
      return { type: 'pageview', ...base };
    case 'engagement':
      return { type: 'engagement', ...base, engagedMs: event.engagedMs };
    case 'form':
      return { type: 'form', ...base, emailDomain: event.emailDomain };
  }
}
