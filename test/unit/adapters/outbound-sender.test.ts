import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkUrl, OutboundFailedError, OutboundRefusedError, retryAfterMs, send } from '../../../functions/adapters/outbound/sender';
import { judgeAddress } from '../../../functions/domain/outbound/destinations';

/** A receiver on 127.0.0.1, as the tests of webhooks and CRMs start them; `reply` decides each answer. */
let server: Server;
let base: string;
let reply: (res: import('node:http').ServerResponse) => void = (res) => res.end('ok');
beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    reply(res);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

describe('where outbound requests may go', () => {
  it.each([
    ['10.0.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['172.16.0.1', 'private'],
    ['127.0.0.1', 'loopback'],
    ['::1', 'loopback'],
    ['169.254.169.254', 'linkLocal'],
    ['fe80::1', 'linkLocal'],
    ['fd00:ec2::254', 'uniqueLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['224.0.0.1', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['::ffff:10.0.0.1', 'private'],
    ['198.51.100.7', 'reserved'],
  ])('refuses %s (%s)', (address, range) => {
    expect(judgeAddress(address)).toEqual({ allowed: false, reason: `${range} address` });
  });

  it('allows public unicast addresses, and loopback only when told', () => {
    expect(judgeAddress('8.8.8.8')).toEqual({ allowed: true });
    expect(judgeAddress('2a00:1450:4001:80b::200e')).toEqual({ allowed: true });
    expect(judgeAddress('127.0.0.1', { allowLoopback: true })).toEqual({ allowed: true });
  });
});

describe('the outbound sender', () => {
  it.each([
    ['http://hooks.example.com/x', 'not HTTPS'],
    ['ftp://hooks.example.com/x', 'not HTTPS'],
    ['https://user:secret@hooks.example.com/x', 'credentials in the URL'],
    ['https://169.254.169.254/latest/meta-data/', 'a linkLocal address'],
    ['https://[fd00:ec2::254]/latest/meta-data/', 'a uniqueLocal address'],
    ['https://10.1.2.3/hook', 'a private address'],
  ])('refuses %s before sending: %s', async (url, reason) => {
    await expect(send({ url, body: '{}' })).rejects.toThrow(new OutboundRefusedError(reason));
  });

  it('refuses a name that resolves to an inward address when it connects (DNS rebinding)', async () => {
    // `localhost` stands for a public-looking name whose DNS answer was switched to an inward address.
    await expect(send({ url: `https://localhost:${new URL(base).port}/hook`, body: '{}' })).rejects.toThrow(/resolves to a loopback address/);
  });

  it('posts to a loopback receiver only when the policy allows it', async () => {
    await expect(send({ url: `${base}/hook`, body: '{}' })).rejects.toThrow(OutboundRefusedError);
    const answer = await send({ url: `${base}/hook`, body: '{}' }, { allowLoopback: true });
    expect(answer).toMatchObject({ status: 200, body: 'ok', truncated: false });
  });

  it('never follows a redirect: the 3xx is the answer', async () => {
    reply = (res) => {
      res.writeHead(302, { Location: 'http://169.254.169.254/' });
      res.end();
    };
    expect((await send({ url: `${base}/hook`, body: '{}' }, { allowLoopback: true })).status).toBe(302);
  });

  it('reads at most the allowed bytes of an answer', async () => {
    reply = (res) => res.end('x'.repeat(100_000));
    const answer = await send({ url: `${base}/hook` }, { allowLoopback: true, maxResponseBytes: 1024 });
    expect(answer).toMatchObject({ truncated: true });
    expect(answer.body).toHaveLength(1024);
  });

  it('gives up after its deadline', async () => {
    reply = () => undefined;
    await expect(send({ url: `${base}/hook` }, { allowLoopback: true, timeoutMs: 200 })).rejects.toThrow(OutboundFailedError);
  });

  it('checks a URL when it is saved, with the same rules', () => {
    expect(checkUrl('https://hooks.slack.com/services/T/B/X').hostname).toBe('hooks.slack.com');
    expect(() => checkUrl('http://hooks.slack.com/services/T/B/X')).toThrow('not HTTPS');
  });
});

describe('Retry-After', () => {
  it('reads seconds and HTTP dates', () => {
    const now = Date.parse('2026-12-04T10:00:00Z');
    expect(retryAfterMs({ 'retry-after': '30' }, now)).toBe(30_000);
    expect(retryAfterMs({ 'retry-after': 'Fri, 04 Dec 2026 10:01:00 GMT' }, now)).toBe(60_000);
    expect(retryAfterMs({}, now)).toBeUndefined();
    expect(retryAfterMs({ 'retry-after': 'soon' }, now)).toBeUndefined();
  });
});
