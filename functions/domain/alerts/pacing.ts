import type { EndpointKind } from '../../contracts/api/alerts';

/**
 * How far apart sends to one endpoint must be. Slack allows an incoming webhook about one message a second (short
 * bursts pass, sustained ones get 429s); the others have no such rule, and webhooks and Teams are paced by their
 * receiver's 429 and `Retry-After` like any failure.
 */
export const SEND_INTERVAL_MS: Readonly<Partial<Record<EndpointKind, number>>> = { slack: 1_000 };

/**
 * How long a delivery waits in the function for its slot: a burst of 20 Slack alerts goes out over 20 s from one
 * invocation; a delivery whose slot is further away goes back to the queue until then, so no invocation idles for
 * long and a burst of hundreds costs each message a few receives, far from the DLQ's fifteen.
 */
export const MAX_PACING_WAIT_MS = 20_000;

/** A send slot: taken (wait this long, then send), or none near enough (come back in `holdBackMs`). */
export type PacingSlot = { readonly waitMs: number } | { readonly holdBackMs: number };

/** The slot after the last one reserved (`nextFreeMs`, 0 when none), at `nowMs` or later. */
export function nextSlot(nowMs: number, nextFreeMs: number, maxWaitMs: number): PacingSlot {
  const waitMs = Math.max(0, nextFreeMs - nowMs);
  return waitMs <= maxWaitMs ? { waitMs } : { holdBackMs: waitMs - maxWaitMs / 2 };
}
