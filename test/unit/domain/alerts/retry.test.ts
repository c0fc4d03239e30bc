import { judgeAnswer, MAX_ATTEMPTS, MAX_DELAY_SECONDS, nextDelaySeconds, RETRY_DELAYS_SECONDS } from '../../../../functions/domain/alerts/retry';

describe('the retry schedule', () => {
  it('spreads each delay by ±20 % and ends after its eight attempts', () => {
    expect(MAX_ATTEMPTS).toBe(8);
    expect(nextDelaySeconds(1, undefined, () => 0)).toBe(4);
    expect(nextDelaySeconds(1, undefined, () => 1)).toBe(6);
    expect(nextDelaySeconds(2, undefined, () => 0.5)).toBe(300);
    expect(nextDelaySeconds(MAX_ATTEMPTS, undefined)).toBeUndefined();
    const total = RETRY_DELAYS_SECONDS.reduce((sum, delay) => sum + delay, 0);
    expect(total / 3600).toBeCloseTo(27.5, 0);
  });

  it('waits at least what Retry-After asks, and never beyond what SQS can hold a message back', () => {
    expect(nextDelaySeconds(1, 30_000, () => 0.5)).toBe(30);
    expect(nextDelaySeconds(1, 999_999_000, () => 0.5)).toBe(MAX_DELAY_SECONDS);
  });

  it('counts only 2xx as delivered; 410 stops sending; a redirect is a failure like a 5xx or 429', () => {
    expect(judgeAnswer(204)).toBe('delivered');
    expect(judgeAnswer(410)).toBe('gone');
    for (const status of [301, 302, 307, 400, 429, 500, 503]) expect(judgeAnswer(status)).toBe('retry');
  });
});
