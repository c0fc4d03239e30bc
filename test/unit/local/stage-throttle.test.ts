import { StageThrottle } from '../../../local/api-gateway/throttle';

describe("the local runtime's stage throttling (API Gateway's token buckets)", () => {
  let clock = 0;
  const now = () => clock;
  beforeEach(() => {
    clock = 0;
  });

  it('lets a burst through, then refuses until the rate has refilled a token', () => {
    const throttle = new StageThrottle({ rateLimit: 2, burstLimit: 3 }, now);

    expect([1, 2, 3, 4].map(() => throttle.admit('/v1/sites/{siteId}/leads', 'GET'))).toEqual([true, true, true, false]);
    clock = 499;
    expect(throttle.admit('/v1/sites/{siteId}/leads', 'GET')).toBe(false);
    clock = 500;
    expect(throttle.admit('/v1/sites/{siteId}/leads', 'GET')).toBe(true);
  });

  it('never holds more than the burst, however long it was idle', () => {
    const throttle = new StageThrottle({ rateLimit: 100, burstLimit: 2 }, now);
    clock = 60_000;

    expect([1, 2, 3].map(() => throttle.admit('/v1/api-keys', 'GET'))).toEqual([true, true, false]);
  });

  it('holds a throttled method to its own limits, and other methods only to the stage', () => {
    const throttle = new StageThrottle({ rateLimit: 100, burstLimit: 100, methods: { '/v1/sites/{siteId}/exports/{exportId}/GET': { rateLimit: 1, burstLimit: 1 } } }, now);

    expect(throttle.admit('/v1/sites/{siteId}/exports/{exportId}', 'GET')).toBe(true);
    expect(throttle.admit('/v1/sites/{siteId}/exports/{exportId}', 'GET')).toBe(false);
    expect(throttle.admit('/v1/sites/{siteId}/exports', 'POST')).toBe(true);
    expect(throttle.admit('/v1/sites/{siteId}/leads', 'GET')).toBe(true);
  });

  it("takes no stage token for a request its method's bucket refuses", () => {
    const throttle = new StageThrottle({ rateLimit: 1, burstLimit: 2, methods: { '/v1/audit/GET': { rateLimit: 1, burstLimit: 1 } } }, now);

    expect(throttle.admit('/v1/audit', 'GET')).toBe(true);
    expect(throttle.admit('/v1/audit', 'GET')).toBe(false);
    expect(throttle.admit('/v1/api-keys', 'GET')).toBe(true);
    expect(throttle.admit('/v1/api-keys', 'GET')).toBe(false);
  });
});
