import { minimiseEvent, minimiseReferrer, pathOf, scrubTitle } from '../../../functions/domain/privacy/minimise';

/** What the outside review found in a queued message of version 0.1, and what must be left of it. */
const HOSTILE_URL = 'https://user:pa55@www.example.com/reset?token=s3cr3t&email=jane.doe@acme.com#access_token=abc.def';
const HOSTILE_REFERRER = 'https://admin:hunter2@mail.example.org/inbox/jane.doe%40acme.com?session=42#msg';

describe('data minimisation before queueing', () => {
  it('keeps only the path of a page URL: no credentials, query or fragment', () => {
    expect(pathOf(HOSTILE_URL)).toBe('/reset');
  });

  it('keeps scheme, host and path of a referrer, without credentials and with e-mail addresses replaced', () => {
    expect(minimiseReferrer(HOSTILE_REFERRER)).toBe('https://mail.example.org/inbox/[email]');
    expect(minimiseReferrer(undefined)).toBeUndefined();
  });

  it('replaces e-mail addresses in paths', () => {
    expect(pathOf('https://www.example.com/users/jane.doe@acme.com/settings')).toBe('/users/[email]/settings');
  });

  it('takes e-mail addresses and long digit runs out of titles, and keeps the rest', () => {
    expect(scrubTitle('Welcome back, jane.doe@acme.com | Order 4711-0815-2342 | Call +49 30 123456 | Top 10 tips 2026')).toBe(
      'Welcome back, [email] | Order [number] | Call +[number] | Top 10 tips 2026',
    );
  });

  it('queues an event with what is stored and no more', () => {
    const queued = minimiseEvent({
      id: '6f1c2a52-9f6c-4f0e-9d2a-2d3b4c5d6e7f',
      type: 'pageview',
      url: HOSTILE_URL,
      referrer: HOSTILE_REFERRER,
      title: 'Reset for jane.doe@acme.com',
      occurredAt: '2026-12-04T10:00:00.000Z',
    });
    expect(queued).toEqual({
      id: '6f1c2a52-9f6c-4f0e-9d2a-2d3b4c5d6e7f',
      type: 'pageview',
      path: '/reset',
      referrer: 'https://mail.example.org/inbox/[email]',
      title: 'Reset for [email]',
      occurredAt: '2026-12-04T10:00:00.000Z',
    });
    const text = JSON.stringify(queued);
    for (const secret of ['pa55', 's3cr3t', 'jane.doe', 'access_token', 'hunter2', 'session=42']) expect(text).not.toContain(secret);
  });
});
