/**
 * Keeps requests within a CRM's window limit (HubSpot: 190 requests per 10 s and 4 searches a second; Pipedrive: a
 * burst limit per 2-second window), on the caller's side, so the CRM rarely has to answer 429: a sliding window of
 * the times of the last requests. Pure: the caller gives the clock and waits.
 */
export class WindowLimiter {
  private readonly sent: number[] = [];

  constructor(
    private limit: number,
    readonly windowMs: number,
  ) {
    if (!Number.isInteger(limit) || limit < 1 || windowMs <= 0) throw new Error('WindowLimiter: limit and window must be positive');
  }

  /** Milliseconds to wait before the next request may go at `now`. */
  waitMs(now: number): number {
    this.forget(now);
    if (this.sent.length < this.limit) return 0;
    return Math.max(0, (this.sent[this.sent.length - this.limit] ?? now) + this.windowMs - now);
  }

  record(now: number): void {
    this.forget(now);
    this.sent.push(now);
  }

  /** A CRM that reports its own limit (Pipedrive's `x-ratelimit-limit`) is trusted when it is tighter. */
  tightenTo(limit: number): void {
    if (Number.isInteger(limit) && limit >= 1 && limit < this.limit) this.limit = limit;
  }

  private forget(now: number): void {
    while (this.sent.length > 0 && (this.sent[0] ?? now) <= now - this.windowMs) this.sent.shift();
  }
}
