/**
 * When a failed delivery is tried again: the schedule the Standard Webhooks guidance gives (immediately, then
 * 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h: eight attempts over about 27.5 hours), each delay spread by ±20 % so a
 * receiver that was down is not hit by every retry at once, and never sooner than its `Retry-After`. SQS holds a
 * message back for at most 12 hours, the longest delay here.
 */
export const RETRY_DELAYS_SECONDS = [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000] as const;
export const MAX_ATTEMPTS = RETRY_DELAYS_SECONDS.length + 1;
export const MAX_DELAY_SECONDS = 43_200;

/** Seconds until the next attempt after `attemptsMade` attempts, or undefined when they are used up. */
export function nextDelaySeconds(attemptsMade: number, retryAfterMs: number | undefined, random: () => number = Math.random): number | undefined {
  const base = RETRY_DELAYS_SECONDS[attemptsMade - 1];
  if (base === undefined) return undefined;
  const jittered = Math.round(base * (0.8 + 0.4 * random()));
  const atLeast = retryAfterMs === undefined ? 0 : Math.ceil(retryAfterMs / 1000);
  return Math.min(MAX_DELAY_SECONDS, Math.max(1, jittered, atLeast));
}

/** What an answer means for a delivery. A 3xx is a failure: redirects are never followed (SSRF). */
export type AnswerVerdict = 'delivered' | 'gone' | 'retry';

export function judgeAnswer(status: number): AnswerVerdict {
  if (status >= 200 && status < 300) return 'delivered';
  if (status === 410) return 'gone';
  return 'retry';
}
