/**
 * A small buffering HTTP proxy for the local emulators: it forwards every request unchanged (only the Host header
 * is fixed) and lets a meter look at each request and its response. Both emulators ignore SigV4 signatures, so
 * forwarding the signed request as it is works.
 */
import { once } from 'node:events';
import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface ProxiedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  /** The operation from `X-Amz-Target` (e.g. `DynamoDB_20120810.PutItem`), if the client sent one. */
  readonly target: string | undefined;
}

export interface UpstreamResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/**
 * Looks at one request. It must obtain the response through `forward`, which sends the request upstream at most
 * once, so a meter can act before (read a before-image) and after (read an after-image) the forwarded request.
 */
export type ExchangeHandler = (request: ProxiedRequest, forward: () => Promise<UpstreamResponse>) => Promise<void>;

export interface MeteringProxyOptions {
  /** The emulator's endpoint, e.g. `http://127.0.0.1:8000`. */
  readonly upstream: string;
  readonly handle: ExchangeHandler;
  /** A handler failure: the request is still forwarded, but the meter's figures are incomplete. */
  readonly onError: (error: unknown) => void;
}

export interface Upstream {
  forward(request: ProxiedRequest): Promise<UpstreamResponse>;
  /** A JSON-protocol call of the meter's own, sent straight to the emulator (never metered). */
  callJson(target: string, payload: unknown, headers: IncomingHttpHeaders): Promise<JsonResponse>;
}

export interface JsonResponse {
  readonly status: number;
  readonly json: Record<string, unknown>;
}

export interface MeteringProxy {
  readonly endpoint: string;
  readonly upstream: Upstream;
  stop(): Promise<void>;
}

/** The headers that tie a call to the caller's identity; DynamoDB Local keeps one database per key and region. */
const IDENTITY_HEADERS = ['authorization', 'x-amz-date', 'x-amz-security-token'] as const;
/** Hop-by-hop or length headers that must not be copied once the body has been buffered. */
const UNCOPIED_RESPONSE_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length']);

export async function startMeteringProxy({ upstream, handle, onError }: MeteringProxyOptions): Promise<MeteringProxy> {
  const upstreamUrl = new URL(upstream);
  const agent = new Agent({ keepAlive: true });
  const send = (method: string, path: string, headers: IncomingHttpHeaders, body: Buffer, retried = false): Promise<UpstreamResponse> =>
    new Promise<UpstreamResponse>((resolve, reject) => {
      const outgoing = httpRequest(
        {
          agent,
          protocol: upstreamUrl.protocol,
          hostname: upstreamUrl.hostname,
          port: upstreamUrl.port,
          method,
          path,
          headers: { ...headers, host: upstreamUrl.host },
        },
        (incoming) => {
          readBody(incoming).then(
            (responseBody) => resolve({ status: incoming.statusCode ?? 502, headers: incoming.headers, body: responseBody }),
            reject,
          );
        },
      );
      outgoing.on('error', (error: NodeJS.ErrnoException) => {
        // The emulator closed an idle kept-alive connection just as it was reused: it never saw the request, so
        // sending it again on a new connection is safe (the retry Node's http.Agent documentation recommends).
        if (!retried && outgoing.reusedSocket && error.code === 'ECONNRESET') send(method, path, headers, body, true).then(resolve, reject);
        else reject(error);
      });
      outgoing.end(body);
    });

  const upstreamApi: Upstream = {
    forward: (request) => send(request.method, request.path, request.headers, request.body),
    async callJson(target, payload, headers) {
      const body = Buffer.from(JSON.stringify(payload));
      const identity = Object.fromEntries(IDENTITY_HEADERS.flatMap((name) => (headers[name] ? [[name, headers[name]]] : [])));
      const response = await send(
        'POST',
        '/',
        {
          ...identity,
          'content-type': 'application/x-amz-json-1.0',
          'content-length': String(body.length),
          'x-amz-target': target,
        },
        body,
      );
      return { status: response.status, json: parseJson(response) };
    },
  };

  const server = createServer((incoming, outgoing) => {
    void (async () => {
      try {
        const body = await readBody(incoming);
        const targetHeader = incoming.headers['x-amz-target'];
        const request: ProxiedRequest = {
          method: incoming.method ?? 'POST',
          path: incoming.url ?? '/',
          headers: incoming.headers,
          body,
          target: Array.isArray(targetHeader) ? targetHeader[0] : targetHeader,
        };
        let forwarded: Promise<UpstreamResponse> | undefined;
        let unreachable = false;
        const forward = () =>
          (forwarded ??= upstreamApi.forward(request).catch((error: unknown) => {
            unreachable = true;
            throw error;
          }));
        try {
          await handle(request, forward);
        } catch (error) {
          // An unreachable emulator is reported once, below.
          if (!unreachable) onError(error);
        }
        const response = await forward();
        const headers = Object.fromEntries(
          Object.entries(response.headers).filter(([name]) => !UNCOPIED_RESPONSE_HEADERS.has(name)),
        );
        outgoing.writeHead(response.status, { ...headers, 'content-length': String(response.body.length) });
        outgoing.end(response.body);
      } catch (error) {
        // The emulator could not be reached: tell the client plainly rather than hanging its request.
        onError(error);
        outgoing.writeHead(502, { 'content-type': 'application/x-amz-json-1.0' });
        outgoing.end(JSON.stringify({ __type: 'MeterUpstreamError', message: 'the metering proxy could not reach the emulator' }));
      }
    })();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    upstream: upstreamApi,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}

async function readBody(stream: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The JSON body of a response (an empty object for an empty body), gunzipped when the emulator compressed it. */
export function parseJson(response: UpstreamResponse): Record<string, unknown> {
  const raw = response.headers['content-encoding'] === 'gzip' ? gunzipSync(response.body) : response.body;
  const text = raw.toString('utf8').trim();
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

/** `com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException` → `ConditionalCheckFailedException`. */
export function errorType(status: number, json: Record<string, unknown>): string | undefined {
  if (status < 400) return undefined;
  const type = typeof json.__type === 'string' ? json.__type : 'UnknownError';
  return type.split('#').pop();
}
