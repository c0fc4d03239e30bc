import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the CRM contract fakes share: an HTTP server on 127.0.0.1 (the outbound sender's loopback policy, which only
 * the local runtime sets, lets it be reached over plain HTTP), a log of every request as the CRM received it (for
 * the privacy assertions: every body Eirlead sent), and injected faults (429 with Retry-After, 5xx).
 */
export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  readonly at: number;
}

export interface FakeAnswer {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export type Route = (request: ReceivedRequest, parsed: unknown) => FakeAnswer | undefined;

export class FakeServer {
  readonly received: ReceivedRequest[] = [];
  /** Answers that go before the routes, one per request, in order (a 429 with Retry-After, a 503). */
  readonly faults: FakeAnswer[] = [];
  private server?: Server;

  constructor(private readonly route: Route) {}

  async start(): Promise<string> {
    this.server = createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Requests whose path matches, in arrival order. */
  requests(method: string, path: string | RegExp): ReceivedRequest[] {
    return this.received.filter((request) => request.method === method && (typeof path === 'string' ? request.path === path : path.test(request.path)));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const url = new URL(request.url ?? '/', 'http://fake');
    const received: ReceivedRequest = { method: request.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
    this.received.push(received);
    let parsed: unknown;
    try {
      parsed = received.body === '' ? undefined : JSON.parse(received.body);
    } catch {
      parsed = undefined;
    }
    const answer = this.faults.shift() ?? this.route(received, parsed) ?? { status: 404, body: { status: 'error', message: `No route ${received.method} ${received.path}`, category: 'OBJECT_NOT_FOUND' } };
    response.writeHead(answer.status, { 'Content-Type': 'application/json;charset=utf-8', ...answer.headers });
    response.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
  }
}
