import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { InvocationTimeoutError, invoke } from '../lambda';
import { describeError } from '../sqs-poller';
import { methodArn, normaliseAddress, proxyEvent, proxyHeaders } from './proxy-event';
import { GATEWAY_ERRORS, type GatewayError, isProxyResult, sendError, sendJson, writeResult } from './responses';
import { type CompiledRoute, compileRoute, matchRoute, pathParameters, type Route } from './router';
import { sendStatic, type StaticFile } from './static-files';
import { authorize, type RequestAuthorizer } from './request-authorizer';
import { type StageThrottling, StageThrottle } from './throttle';

/**
 * What API Gateway (REST API, Lambda proxy integration) does in front of the functions, for one machine:
 * routing by resource template, stage throttling when configured, the TOKEN authoriser, the payload limit, and the
 * proxy event and result format.
 */

export interface HttpFrontOptions {
  readonly routes: readonly Route[];
  /** @default none */
  readonly staticFiles?: readonly StaticFile[];
  /**
   * Paths outside the API answered by the runtime itself (export downloads, S3's part on AWS); `serve` returns
   * the status it sent. @default none
   */
  readonly prefixes?: readonly { readonly prefix: string; serve(req: IncomingMessage, res: ServerResponse, url: URL): number | Promise<number> }[];
  readonly authorizer: RequestAuthorizer;
  /** One line per request: method, resource template, status, duration. Never an address, header or query. */
  readonly log: (line: string) => void;
  /** @default 'local' */
  readonly stage?: string;
  /** API Gateway's payload limit. @default 10 MB */
  readonly maxBodyBytes?: number;
  /** The stage's throttling (cdk.json context `throttle`). @default none: nothing is throttled */
  readonly throttle?: StageThrottling;
}

export const API_GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;

export class HttpFront {
  private readonly server: Server;
  private readonly routes: readonly CompiledRoute[];
  private readonly stage: string;
  private readonly maxBodyBytes: number;
  private readonly throttle: StageThrottle | undefined;
  private state: 'starting' | 'ready' | 'stopping' = 'starting';

  constructor(private readonly options: HttpFrontOptions) {
    this.routes = options.routes.map(compileRoute);
    this.stage = options.stage ?? 'local';
    this.maxBodyBytes = options.maxBodyBytes ?? API_GATEWAY_MAX_BODY_BYTES;
    this.throttle = options.throttle && new StageThrottle(options.throttle);
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        this.options.log(`http: unexpected error: ${describeError(error)}`);
        if (!res.headersSent) sendError(res, GATEWAY_ERRORS.badGateway, randomUUID());
        else res.destroy();
      });
    });
  }

  /** Listens at once, answering 503 until `markReady`, so the port is claimed before the slow start. */
  async listen(port: number, host = '127.0.0.1'): Promise<string> {
    this.server.listen(port, host);
    await Promise.race([
      once(this.server, 'listening'),
      once(this.server, 'error').then(([error]) => Promise.reject(error as Error)),
    ]);
    const address = this.server.address() as AddressInfo;
    return `http://${host}:${address.port}`;
  }

  markReady(): void {
    this.state = 'ready';
  }

  /** Stops accepting connections and waits for requests in flight (at most `graceMs`). */
  async close(graceMs = 10_000): Promise<void> {
    this.state = 'stopping';
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    const timer = setTimeout(() => this.server.closeAllConnections(), graceMs);
    await closed;
    clearTimeout(timer);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const requestId = randomUUID();
    const url = new URL(req.url ?? '/', 'http://local');
    const method = req.method ?? 'GET';

    if (url.pathname === '/healthz' && (method === 'GET' || method === 'HEAD')) {
      const ready = this.state === 'ready';
      sendJson(res, ready ? 200 : 503, ready ? { status: 'ok' } : { status: this.state });
      return;
    }
    if (this.state !== 'ready') {
      sendError(res, GATEWAY_ERRORS.notReady, requestId);
      return;
    }

    const staticFile = this.options.staticFiles?.find((candidate) => candidate.path === url.pathname);
    const prefixed = this.options.prefixes?.find((candidate) => url.pathname.startsWith(candidate.prefix) && method === 'GET');
    const status = staticFile
      ? { resource: staticFile.path, code: await sendStatic(req, res, staticFile, method, requestId) }
      : prefixed
        ? { resource: `${prefixed.prefix}…`, code: await prefixed.serve(req, res, url) }
        : await this.dispatch(req, res, url, method, requestId);
    this.options.log(`http: ${method} ${status.resource} ${status.code} ${Date.now() - started} ms`);
  }

  private async dispatch(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    method: string,
    requestId: string,
  ): Promise<{ resource: string; code: number }> {
    const found = matchRoute(this.routes, method, url.pathname);
    if ('error' in found) {
      req.resume();
      if (found.allow !== undefined) res.setHeader('Allow', found.allow);
      return { resource: found.resource, code: sendError(res, found.error, requestId) };
    }
    const { route } = found;
    const fail = (error: GatewayError): { resource: string; code: number } => ({
      resource: route.resource,
      code: sendError(res, error, requestId),
    });

    if (this.throttle && !this.throttle.admit(route.resource, method)) {
      req.resume();
      // As the stage's gateway response says (lib/constructs/rest-api.ts): the bucket refills within a second.
      res.setHeader('Retry-After', '1');
      return fail(GATEWAY_ERRORS.throttled);
    }

    const body = await readBody(req, this.maxBodyBytes);
    if (body === 'too-large') {
      res.setHeader('Connection', 'close');
      return fail(GATEWAY_ERRORS.payloadTooLarge);
    }
    const parameters = pathParameters(route, found.match);
    if (parameters === 'undecodable') return fail(GATEWAY_ERRORS.notFound);

    const sourceIp = normaliseAddress(req.socket.remoteAddress);
    const { headers, multiValueHeaders } = proxyHeaders(req, sourceIp);
    const request = { req, url, method, route, pathParameters: parameters, body, sourceIp, headers, multiValueHeaders, requestId, stage: this.stage };
    let authorizerContext: Record<string, string | null> | undefined;
    if (route.authorized) {
      const arn = methodArn(this.stage, method, url.pathname);
      const unauthorised = proxyEvent({ ...request, authorizerContext: undefined });
      const outcome = await authorize(
        this.options.authorizer,
        {
          resource: unauthorised.resource,
          path: unauthorised.path,
          httpMethod: unauthorised.httpMethod,
          headers: unauthorised.headers,
          multiValueHeaders: unauthorised.multiValueHeaders,
          pathParameters: unauthorised.pathParameters,
          queryStringParameters: unauthorised.queryStringParameters,
          multiValueQueryStringParameters: unauthorised.multiValueQueryStringParameters,
          stageVariables: unauthorised.stageVariables,
          requestContext: { ...unauthorised.requestContext, authorizer: undefined },
        },
        arn,
        this.options.log,
      );
      if ('error' in outcome) return fail(outcome.error);
      authorizerContext = outcome.context;
    }

    const event = proxyEvent({ ...request, authorizerContext });
    let result: APIGatewayProxyResult;
    try {
      result = await invoke(route.fn, route.handler, event);
    } catch (error) {
      this.options.log(`http: ${route.fn.name} failed: ${describeError(error)}`);
      return fail(error instanceof InvocationTimeoutError ? GATEWAY_ERRORS.timeout : GATEWAY_ERRORS.badGateway);
    }
    if (!isProxyResult(result)) {
      this.options.log(`http: ${route.fn.name} returned a malformed proxy result`);
      return fail(GATEWAY_ERRORS.badGateway);
    }
    writeResult(res, result, requestId);
    return { resource: route.resource, code: result.statusCode };
  }
}

/** The body, or 'too-large' as soon as it exceeds the limit (without reading the rest). */
async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | 'too-large'> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return 'too-large';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > maxBytes) return 'too-large';
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}
