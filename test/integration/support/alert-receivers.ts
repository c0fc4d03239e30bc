import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';

/**
 * Contract fakes of where alerts go, on 127.0.0.1 over HTTPS with a certificate made for the test (the sender trusts
 * it only because the runtime's loopback policy says so): a Standard Webhooks receiver, a Slack incoming webhook and
 * a Microsoft Teams Workflows webhook. Each path answers what its script says next (default 200), and every request
 * is kept with its headers and body for the test to judge.
 */
export interface ReceivedRequest {
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly at: number;
}

export interface ScriptedAnswer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

export interface AlertReceivers {
  readonly baseUrl: string;
  readonly certificate: string;
  readonly received: ReceivedRequest[];
  /** Answers for the next requests to `path`, in order; after them, 200 (Slack's `ok`). */
  script(path: string, answers: readonly ScriptedAnswer[]): void;
  requestsTo(path: string): ReceivedRequest[];
  /** Resolves once `path` has received `count` requests, or rejects after `timeoutMs`. */
  waitFor(path: string, count: number, timeoutMs: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

export async function startAlertReceivers(): Promise<AlertReceivers> {
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keySize: 2048,
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  const received: ReceivedRequest[] = [];
  const scripts = new Map<string, ScriptedAnswer[]>();
  const server: Server = createServer({ key: pems.private, cert: pems.cert }, (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, String(value)]));
      received.push({ path, headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      const answer = scripts.get(path)?.shift() ?? { status: 200, body: path.startsWith('/slack') ? 'ok' : '' };
      response.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
      response.end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const requestsTo = (path: string) => received.filter((request) => request.path === path);
  return {
    baseUrl: `https://127.0.0.1:${port}`,
    certificate: pems.cert,
    received,
    script: (path, answers) => scripts.set(path, [...answers]),
    requestsTo,
    async waitFor(path, count, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (requestsTo(path).length < count) {
        if (Date.now() > deadline) throw new Error(`${path} received ${requestsTo(path).length} of ${count} requests in ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return requestsTo(path);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
