/**
 * API Gateway's stage throttling, for one machine: a token bucket per stage and one per throttled method, as
 * `cdk.json` context `throttle` configures them (lib/config.ts `ThrottleSchema`, which the stack passes to the stage).
 * A request needs a token from the stage's bucket and, if its method has limits of its own, from the method's; a
 * bucket holds `burstLimit` tokens and gains `rateLimit` a second. Without one, API Gateway answers 429 itself.
 */

export interface ThrottleLimits {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

export interface StageThrottling extends ThrottleLimits {
  /** Limits of single methods, keyed by resource template then method: `/v1/sites/{siteId}/leads/GET`. */
  readonly methods?: Readonly<Record<string, ThrottleLimits>>;
}

class TokenBucket {
  private tokens: number;
  private refilledAt: number;

  constructor(
    private readonly limits: ThrottleLimits,
    now: number,
  ) {
    this.tokens = limits.burstLimit;
    this.refilledAt = now;
  }

  hasToken(now: number): boolean {
    this.tokens = Math.min(this.limits.burstLimit, this.tokens + ((now - this.refilledAt) / 1000) * this.limits.rateLimit);
    this.refilledAt = now;
    return this.tokens >= 1;
  }

  take(): void {
    this.tokens -= 1;
  }
}

export class StageThrottle {
  private readonly stage: TokenBucket;
  private readonly methods: ReadonlyMap<string, TokenBucket>;

  constructor(
    settings: StageThrottling,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.stage = new TokenBucket(settings, now());
    this.methods = new Map(Object.entries(settings.methods ?? {}).map(([key, limits]) => [key, new TokenBucket(limits, now())]));
  }

  /** Whether a request to `resource` with `method` may pass now; it takes its tokens only when it may. */
  admit(resource: string, method: string): boolean {
    const now = this.now();
    const buckets = [this.stage, this.methods.get(`${resource}/${method}`)].filter((bucket) => bucket !== undefined);
    if (!buckets.every((bucket) => bucket.hasToken(now))) return false;
    for (const bucket of buckets) bucket.take();
    return true;
  }
}
