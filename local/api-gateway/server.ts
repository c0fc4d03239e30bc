import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  APIGatewayAuthorizerResult,
  APIGatewayProxyEvent,
  APIGatewayProxyResult,
  APIGatewayTokenAuthorizerEvent,
  Context,
  Statement,
} from 'aws-lambda';
import { LOCAL_REGION } from '../emulators';
import { InvocationTimeoutError, invoke, LOCAL_ACCOUNT_ID, type LocalFunction } from '../lambda';
import { describeError } from '../sqs-poller';

/**
 * What API Gateway (REST API, Lambda proxy integration) does in front of the functions, for one machine:
 * routing by resource template, the TOKEN authoriser, the payload limit, and the proxy event and result format.
 */

export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;
export type TokenAuthorizerHandler = (
  event: APIGatewayTokenAuthorizerEvent,
  context: Context,
) => Promise<APIGatewayAuthorizerResult>;

export interface Route {
  readonly method: string;
  /** API Gateway resource template, e.g. `/v1/sites/{siteId}/leads`. */
  readonly resource: string;
  readonly fn: LocalFunction;
  readonly handler: ProxyHandler;
  /** Whether the TOKEN authoriser guards this route. */
  readonly authorized: boolean;
}

/** A file answered as is to GET and HEAD, outside the API (the local demo site); read per request, so edits show. */
export interface StaticFile {
  /** Exact path, e.g. `/demo/pricing`. */
  readonly path: string;
  readonly file: string;
  readonly contentType: string;
}

export interface HttpFrontOptions {
  readonly routes: readonly Route[];
  /** @default none */
  readonly staticFiles?: readonly StaticFile[];
  readonly authorizer: { readonly fn: LocalFunction; readonly handler: TokenAuthorizerHandler };
  /** One line per request: method, resource template, status, duration. Never an address, header or query. */
  readonly log: (line: string) => void;
  /** @default 'local' */
  readonly stage?: string;
  /** API Gateway's payload limit. @default 10 MB */
  readonly maxBodyBytes?: number;
}

export const API_GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;
const LOCAL_API_ID = 'local';

/** Codes of the errors API Gateway answers itself (gateway responses), in the project's error body. */
// The same codes as the stack's gateway responses (lib/constructs/rest-api.ts) and functions/platform/http.ts.
const GATEWAY_ERRORS = {
  notFound: { status: 404, code: 'NotFound', message: 'No such resource' },
  methodNotAllowed: { status: 405, code: 'MethodNotAllowed', message: 'Method not allowed on this resource' },
  payloadTooLarge: { status: 413, code: 'PayloadTooLarge', message: 'The request body exceeds 10 MB' },
  unauthorized: { status: 401, code: 'Unauthorized', message: 'A valid API key is required' },
  forbidden: { status: 403, code: 'Forbidden', message: 'This API key may not use this resource' },
  authorizerFailure: { status: 500, code: 'InternalError', message: 'The authoriser failed' },
  badGateway: { status: 502, code: 'InternalError', message: 'Internal server error' },
  timeout: { status: 504, code: 'Timeout', message: 'The function did not answer in time' },
  notReady: { status: 503, code: 'NotReady', message: 'The local runtime is starting or stopping' },
} as const;
type GatewayError = (typeof GATEWAY_ERRORS)[keyof typeof GATEWAY_ERRORS];

interface CompiledRoute extends Route {
  readonly pattern: RegExp;
  readonly parameterNames: readonly string[];
}

function compile(route: Route): CompiledRoute {
  const parameterNames: string[] = [];
  const source = route.resource
    .split('/')
    .map((segment) => {
      const parameter = /^\{(\w+)(\+?)\}$/.exec(segment);
      if (!parameter?.[1]) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      parameterNames.push(parameter[1]);
      return parameter[2] ? '(.+)' : '([^/]+)';
    })
    .join('/');
  return { ...route, pattern: new RegExp(`^${source}$`), parameterNames };
}

export class HttpFront {
  private readonly server: Server;
  private readonly routes: readonly CompiledRoute[];
  private readonly stage: string;
  private readonly maxBodyBytes: number;
  private state: 'starting' | 'ready' | 'stopping' = 'starting';

  constructor(private readonly options: HttpFrontOptions) {
    this.routes = options.routes.map(compile);
    this.stage = options.stage ?? 'local';
    this.maxBodyBytes = options.maxBodyBytes ?? API_GATEWAY_MAX_BODY_BYTES;
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
    const status = staticFile
      ? { resource: staticFile.path, code: await sendStatic(req, res, staticFile, method, requestId) }
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
    const matches = this.routes
      .map((route) => ({ route, match: route.pattern.exec(url.pathname) }))
      .filter((candidate) => candidate.match !== null);
    if (matches.length === 0) {
      req.resume();
      return { resource: '(unknown)', code: sendError(res, GATEWAY_ERRORS.notFound, requestId) };
    }
    const found = matches.find((candidate) => candidate.route.method === method);
    if (!found?.match) {
      req.resume();
      res.setHeader('Allow', matches.map((candidate) => candidate.route.method).join(', '));
      const resource = matches[0]?.route.resource ?? '(unknown)';
      return { resource, code: sendError(res, GATEWAY_ERRORS.methodNotAllowed, requestId) };
    }
    const { route, match } = found;

    const body = await readBody(req, this.maxBodyBytes);
    if (body === 'too-large') {
      res.setHeader('Connection', 'close');
      return { resource: route.resource, code: sendError(res, GATEWAY_ERRORS.payloadTooLarge, requestId) };
    }

    const pathParameters: Record<string, string> = {};
    for (const [index, name] of route.parameterNames.entries()) {
      const raw = match[index + 1] ?? '';
      let decoded: string;
      try {
        decoded = decodeURIComponent(raw);
      } catch {
        return { resource: route.resource, code: sendError(res, GATEWAY_ERRORS.notFound, requestId) };
      }
      pathParameters[name] = decoded;
    }

    const sourceIp = normaliseAddress(req.socket.remoteAddress);
    const { headers, multiValueHeaders } = proxyHeaders(req, sourceIp);
    const methodArn =
      `arn:aws:execute-api:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:${LOCAL_API_ID}/${this.stage}/${method}` + url.pathname;

    let authorizerContext: Record<string, string | null> | undefined;
    if (route.authorized) {
      const outcome = await this.authorize(headerValue(headers, 'authorization'), methodArn);
      if ('error' in outcome) return { resource: route.resource, code: sendError(res, outcome.error, requestId) };
      authorizerContext = outcome.context;
    }

    const now = new Date();
    const { single: queryStringParameters, multi: multiValueQueryStringParameters } = queryParameters(url);
    const event: APIGatewayProxyEvent = {
      resource: route.resource,
      path: url.pathname,
      httpMethod: method,
      headers,
      multiValueHeaders,
      queryStringParameters,
      multiValueQueryStringParameters,
      pathParameters: route.parameterNames.length > 0 ? pathParameters : null,
      stageVariables: null,
      body: body.length > 0 ? body.toString('utf8') : null,
      isBase64Encoded: false,
      requestContext: {
        accountId: LOCAL_ACCOUNT_ID,
        apiId: LOCAL_API_ID,
        authorizer: authorizerContext,
        domainName: headerValue(headers, 'host') ?? '127.0.0.1',
        domainPrefix: LOCAL_API_ID,
        extendedRequestId: requestId,
        httpMethod: method,
        identity: {
          accessKey: null,
          accountId: null,
          apiKey: null,
          apiKeyId: null,
          caller: null,
          clientCert: null,
          cognitoAuthenticationProvider: null,
          cognitoAuthenticationType: null,
          cognitoIdentityId: null,
          cognitoIdentityPoolId: null,
          principalOrgId: null,
          sourceIp,
          user: null,
          userAgent: headerValue(headers, 'user-agent') ?? null,
          userArn: null,
        },
        path: `/${this.stage}${url.pathname}`,
        protocol: `HTTP/${req.httpVersion}`,
        requestId,
        requestTime: apiGatewayRequestTime(now),
        requestTimeEpoch: now.getTime(),
        resourceId: LOCAL_API_ID,
        resourcePath: route.resource,
        stage: this.stage,
      },
    };

    let result: APIGatewayProxyResult;
    try {
      result = await invoke(route.fn, route.handler, event);
    } catch (error) {
      this.options.log(`http: ${route.fn.name} failed: ${describeError(error)}`);
      const failure = error instanceof InvocationTimeoutError ? GATEWAY_ERRORS.timeout : GATEWAY_ERRORS.badGateway;
      return { resource: route.resource, code: sendError(res, failure, requestId) };
    }
    if (!isProxyResult(result)) {
      this.options.log(`http: ${route.fn.name} returned a malformed proxy result`);
      return { resource: route.resource, code: sendError(res, GATEWAY_ERRORS.badGateway, requestId) };
    }
    writeResult(res, result, requestId);
    return { resource: route.resource, code: result.statusCode };
  }

  /** API Gateway's TOKEN authoriser flow (without its result cache, so a revoked key stops working at once). */
  private async authorize(
    token: string | undefined,
    methodArn: string,
  ): Promise<{ context: Record<string, string | null> } | { error: GatewayError }> {
    if (token === undefined || token.trim() === '') return { error: GATEWAY_ERRORS.unauthorized };
    const started = Date.now();
    let result: APIGatewayAuthorizerResult;
    try {
      result = await invoke(this.options.authorizer.fn, this.options.authorizer.handler, {
        type: 'TOKEN',
        authorizationToken: token,
        methodArn,
      });
    } catch (error) {
      // The one error API Gateway turns into 401; anything else is an authoriser failure (500).
      if (error instanceof Error && error.message === 'Unauthorized') return { error: GATEWAY_ERRORS.unauthorized };
      this.options.log(`http: ${this.options.authorizer.fn.name} failed: ${describeError(error)}`);
      return { error: GATEWAY_ERRORS.authorizerFailure };
    }
    if (typeof result?.principalId !== 'string' || !Array.isArray(result.policyDocument?.Statement)) {
      this.options.log(`http: ${this.options.authorizer.fn.name} returned a malformed policy`);
      return { error: GATEWAY_ERRORS.authorizerFailure };
    }
    if (!policyAllows(result.policyDocument.Statement, methodArn)) return { error: GATEWAY_ERRORS.forbidden };
    const context: Record<string, string | null> = {};
    // API Gateway hands context values to the integration as strings.
    for (const [key, value] of Object.entries(result.context ?? {})) {
      context[key] = value === null || value === undefined ? null : String(value);
    }
    context.principalId = result.principalId;
    context.integrationLatency = String(Date.now() - started);
    return { context };
  }
}

/** IAM evaluation restricted to what an authoriser policy can say: an explicit Deny wins, else an Allow must match. */
export function policyAllows(statements: readonly Statement[], methodArn: string): boolean {
  const applies = (statement: Statement): boolean => {
    const actionMatches =
      'Action' in statement
        ? toList(statement.Action).some((action) => wildcardMatch(action, 'execute-api:Invoke'))
        : !toList(statement.NotAction).some((action) => wildcardMatch(action, 'execute-api:Invoke'));
    if (!actionMatches) return false;
    if ('Resource' in statement && statement.Resource !== undefined) {
      return toList(statement.Resource).some((resource) => wildcardMatch(resource, methodArn));
    }
    if ('NotResource' in statement && statement.NotResource !== undefined) {
      return !toList(statement.NotResource).some((resource) => wildcardMatch(resource, methodArn));
    }
    return false;
  };
  const matching = statements.filter(applies);
  if (matching.some((statement) => statement.Effect === 'Deny')) return false;
  return matching.some((statement) => statement.Effect === 'Allow');
}

const toList = (value: string | string[]): string[] => (Array.isArray(value) ? value : [value]);

function wildcardMatch(pattern: string, value: string): boolean {
  const source = pattern
    .split('')
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 'i').test(value);
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

/** Node reports IPv4 peers of a dual-stack socket as `::ffff:a.b.c.d`; API Gateway reports `a.b.c.d`. */
function normaliseAddress(address: string | undefined): string {
  if (!address) return '127.0.0.1';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice('::ffff:'.length) : address;
}

/**
 * Headers as API Gateway passes them: the client's spelling, the last value in `headers`, every value in
 * `multiValueHeaders`, and X-Forwarded-For/-Proto/-Port added as API Gateway adds them (the client's entries first).
 */
function proxyHeaders(
  req: IncomingMessage,
  sourceIp: string,
): { headers: Record<string, string>; multiValueHeaders: Record<string, string[]> } {
  const multiValueHeaders: Record<string, string[]> = {};
  const spelling = new Map<string, string>();
  const add = (name: string, value: string): void => {
    const key = spelling.get(name.toLowerCase()) ?? name;
    spelling.set(name.toLowerCase(), key);
    (multiValueHeaders[key] ??= []).push(value);
  };
  for (let index = 0; index + 1 < req.rawHeaders.length; index += 2) {
    add(req.rawHeaders[index] ?? '', req.rawHeaders[index + 1] ?? '');
  }
  const forwardedKey = spelling.get('x-forwarded-for') ?? 'X-Forwarded-For';
  const forwarded = multiValueHeaders[forwardedKey];
  multiValueHeaders[forwardedKey] = [[...(forwarded ?? []), sourceIp].join(', ')];
  spelling.set('x-forwarded-for', forwardedKey);
  for (const [name, value] of [
    ['X-Forwarded-Proto', 'http'],
    ['X-Forwarded-Port', String(req.socket.localPort ?? '')],
  ] as const) {
    if (!spelling.has(name.toLowerCase())) add(name, value);
  }
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(multiValueHeaders)) {
    const last = values.at(-1);
    if (last !== undefined) headers[name] = last;
  }
  return { headers, multiValueHeaders };
}

function headerValue(headers: Record<string, string>, name: string): string | undefined {
  const key = Object.keys(headers).find((candidate) => candidate.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

function queryParameters(url: URL): {
  single: Record<string, string> | null;
  multi: Record<string, string[]> | null;
} {
  const multi: Record<string, string[]> = {};
  for (const [name, value] of url.searchParams) (multi[name] ??= []).push(value);
  if (Object.keys(multi).length === 0) return { single: null, multi: null };
  const single: Record<string, string> = {};
  for (const [name, values] of Object.entries(multi)) single[name] = values.at(-1) ?? '';
  return { single, multi };
}

/** `dd/MMM/yyyy:HH:mm:ss +0000`, as in `requestContext.requestTime`. */
function apiGatewayRequestTime(date: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (value: number): string => String(value).padStart(2, '0');
  return (
    `${pad(date.getUTCDate())}/${months[date.getUTCMonth()]}/${date.getUTCFullYear()}:` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`
  );
}

function isProxyResult(value: unknown): value is APIGatewayProxyResult {
  if (typeof value !== 'object' || value === null) return false;
  const { statusCode, body } = value as Record<string, unknown>;
  return Number.isInteger(statusCode) && (body === undefined || body === null || typeof body === 'string');
}

function writeResult(res: ServerResponse, result: APIGatewayProxyResult, requestId: string): void {
  const seen = new Set<string>();
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) {
    res.setHeader(name, values.map(String));
    seen.add(name.toLowerCase());
  }
  for (const [name, value] of Object.entries(result.headers ?? {})) {
    if (!seen.has(name.toLowerCase())) res.setHeader(name, String(value));
  }
  // API Gateway's defaults when the function sets none.
  if (!res.hasHeader('content-type')) res.setHeader('Content-Type', 'application/json');
  res.setHeader('x-amzn-RequestId', requestId);
  res.statusCode = result.statusCode;
  const body = result.body ?? '';
  res.end(result.isBase64Encoded ? Buffer.from(body, 'base64') : body);
}

async function sendStatic(
  req: IncomingMessage,
  res: ServerResponse,
  staticFile: StaticFile,
  method: string,
  requestId: string,
): Promise<number> {
  req.resume();
  if (method !== 'GET' && method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return sendError(res, GATEWAY_ERRORS.methodNotAllowed, requestId);
  }
  const body = await readFile(staticFile.file);
  res.statusCode = 200;
  res.setHeader('Content-Type', staticFile.contentType);
  res.setHeader('Content-Length', body.length);
  // A development page: always the file as it is now.
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.end(method === 'HEAD' ? undefined : body);
  return 200;
}

function sendJson(res: ServerResponse, status: number, body: unknown): number {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json');
  res.end(JSON.stringify(body));
  return status;
}

function sendError(res: ServerResponse, error: GatewayError, requestId: string): number {
  res.setHeader('x-amzn-RequestId', requestId);
  return sendJson(res, error.status, { error: { code: error.code, message: error.message } });
}
