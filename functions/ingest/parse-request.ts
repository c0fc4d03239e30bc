import type { APIGatewayProxyEvent } from 'aws-lambda';
import { IngestRequestSchema, MAX_EVENTS_BODY_BYTES, type IngestRequest, type TrackedEvent } from '../contracts/api/events';
import type { Site } from '../contracts/deployment-config';
import { isSiteUrl } from '../domain/sites';
import { badRequest, header, HttpError, parseWith } from '../platform/http';

/** What `navigator.sendBeacon` sends (text/plain) and what `fetch` clients send. */
const ACCEPTED_MEDIA_TYPES = new Set(['application/json', 'text/plain']);
const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;
const MAX_EVENT_AGE_MS = 24 * 3600 * 1000;

/** Content type, size, JSON and schema checks, in the order a client can fix them. */
export function parseIngestRequest(event: APIGatewayProxyEvent, now: Date): IngestRequest {
  const mediaType = header(event, 'content-type')?.split(';')[0]?.trim().toLowerCase();
  if (!mediaType || !ACCEPTED_MEDIA_TYPES.has(mediaType)) {
    throw new HttpError(415, 'UnsupportedMediaType', 'Content-Type must be application/json or text/plain');
  }
  const raw = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64') : Buffer.from(event.body ?? '', 'utf8');
  if (raw.length > MAX_EVENTS_BODY_BYTES) {
    throw new HttpError(413, 'PayloadTooLarge', `Body must be at most ${MAX_EVENTS_BODY_BYTES} bytes`);
  }
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    throw badRequest('Body is not valid JSON', [{ path: '(body)', message: 'not valid JSON' }]);
  }
  const { sentAt, ...request } = parseWith(IngestRequestSchema, body);
  // A browser's clock can be minutes or years off; the gap between its send time and our receive time says by how
  // much, as in Segment's and Snowplow's trackers. Network time is counted as clock error, at most a few seconds.
  const clockErrorMs = sentAt ? now.getTime() - Date.parse(sentAt) : 0;
  return { ...request, events: normaliseEvents(request.events, now, clockErrorMs) };
}

/**
 * Rejects duplicate ids and implausible times; fills `occurredAt` (corrected by the client clock's error) so the
 * enrichment never guesses.
 */
function normaliseEvents(events: TrackedEvent[], now: Date, clockErrorMs: number): TrackedEvent[] {
  const issues: { path: string; message: string }[] = [];
  const seen = new Set<string>();
  const normalised = events.map((event, index) => {
    if (seen.has(event.id)) issues.push({ path: `events.${index}.id`, message: 'duplicate event id in this request' });
    seen.add(event.id);
    const occurredAt = event.occurredAt ? new Date(Date.parse(event.occurredAt) + clockErrorMs) : now;
    if (occurredAt.getTime() > now.getTime() + MAX_CLOCK_SKEW_MS) {
      issues.push({ path: `events.${index}.occurredAt`, message: 'must not be in the future' });
    } else if (occurredAt.getTime() < now.getTime() - MAX_EVENT_AGE_MS) {
      issues.push({ path: `events.${index}.occurredAt`, message: 'must be within the last 24 hours' });
    }
    return { ...event, occurredAt: occurredAt.toISOString() };
  });
  const first = issues[0];
  if (first) throw badRequest(`Invalid ${first.path}: ${first.message}`, issues);
  return normalised;
}

/**
 * Page views are only counted for the site's own pages: an event naming another host is a misconfigured
 * snippet or someone filling the site's leads with made-up pages. Schemes are checked by the schema already.
 */
export function requireSiteUrls(events: readonly TrackedEvent[], site: Site): void {
  const issues = events.flatMap((event, index) => {
    const url = URL.parse(event.url);
    return url && isSiteUrl(site, url)
      ? []
      : // The site's hosts are not named: anonymous callers must not learn a site's configuration.
        [{ path: `events.${index}.url`, message: "host must be one of the site's hosts" }];
  });
  const first = issues[0];
  if (first) throw badRequest(`Invalid ${first.path}: ${first.message}`, issues);
}

/**
 * The visitor address: on AWS always API Gateway's `sourceIp`. `X-Forwarded-For` is trusted only when the
 * local runtime is told to (`TRUST_FORWARDED_FOR=1`), since any client can set it.
 */
export function visitorIp(event: APIGatewayProxyEvent, trustForwardedFor: boolean): string {
  if (trustForwardedFor) {
    const forwarded = header(event, 'x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded;
  }
  return event.requestContext.identity.sourceIp;
}
