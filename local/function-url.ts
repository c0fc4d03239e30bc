import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyResult, Context, LambdaFunctionURLEvent } from 'aws-lambda';
import { normaliseAddress } from './api-gateway/proxy-event';
import { isProxyResult, writeResult } from './api-gateway/responses';
import { invoke, type LocalFunction } from './lambda';
import { describeError } from './sqs-poller';

/**
 * What a Lambda function URL does in front of its function, on its own port as on its own host: every path and
 * method goes to the function as a payload format 2.0 event (lower-case headers, repeated values joined by commas,
 * the peer's address in `requestContext.http.sourceIp`), bodies of text types as text and others in base64, and
 * the function's answer goes back as it is. No CORS handling (the stack configures none), no authentication
 * (auth type NONE), a 6 MB request limit, and 502 when the function fails, as on AWS.
 */

export type FunctionUrlHandler = (event: LambdaFunctionURLEvent, context: Context) => Promise<APIGatewayProxyResult>;

export interface FunctionUrlFrontOptions {
  readonly fn: LocalFunction;
  readonly handler: FunctionUrlHandler;
  /** One line per request: method, path, status, duration. */
  readonly log: (line: string) => void;
}

/** Lambda's limit for a synchronous invocation's request payload. */
export const FUNCTION_URL_MAX_BODY_BYTES = 6 * 1024 * 1024;
const TEXT_TYPES = /^(text\/|application\/(json|[\w.+-]*\+json|xml|javascript|x-www-form-urlencoded))/;

export class FunctionUrlFront {
  private readonly server: Server;

  constructor(private readonly options: FunctionUrlFrontOptions) {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        this.options.log(`function url: unexpected error: ${describeError(error)}`);
        if (!res.headersSent) sendPlain(res, 502, 'Internal Server Error');
        else res.destroy();
      });
    });
  }

  /** The base URL, `http://127.0.0.1:<port>` (a function URL's is `https://<id>.lambda-url.<region>.on.aws/`). */
  async listen(port: number, host = '127.0.0.1'): Promise<string> {
    this.server.listen(port, host);
    await Promise.race([once(this.server, 'listening'), once(this.server, 'error').then(([error]) => Promise.reject(error as Error))]);
    return `http://${host}:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const url = new URL(req.url ?? '/', 'http://local');
    const method = req.method ?? 'GET';
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > FUNCTION_URL_MAX_BODY_BYTES) {
        res.setHeader('Connection', 'close');
        sendPlain(res, 413, 'Request must be smaller than 6291456 bytes for the InvokeFunction operation');
        return;
      }
      chunks.push(chunk as Buffer);
    }
    const event = functionUrlEvent(req, url, method, Buffer.concat(chunks));
    let result: APIGatewayProxyResult;
    try {
      result = await invoke(this.options.fn, this.options.handler, event);
    } catch (error) {
      this.options.log(`function url: ${this.options.fn.name} failed: ${describeError(error)}`);
      sendPlain(res, 502, 'Internal Server Error');
      return;
    }
    if (!isProxyResult(result)) {
      sendPlain(res, 502, 'Internal Server Error');
      return;
    }
    writeResult(res, result, event.requestContext.requestId);
    this.options.log(`function url: ${method} ${url.pathname} ${result.statusCode} ${Date.now() - started} ms`);
  }
}

function functionUrlEvent(req: IncomingMessage, url: URL, method: string, body: Buffer): LambdaFunctionURLEvent {
  const sourceIp = normaliseAddress(req.socket.remoteAddress);
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let index = 0; index + 1 < req.rawHeaders.length; index += 2) {
    const name = (req.rawHeaders[index] ?? '').toLowerCase();
    const value = req.rawHeaders[index + 1] ?? '';
    if (name === 'cookie') cookies.push(...value.split(/;\s*/));
    else headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${sourceIp}` : sourceIp;
  headers['x-forwarded-proto'] = 'http';
  const text = TEXT_TYPES.test(headers['content-type'] ?? 'text/plain');
  const now = new Date();
  const query = Object.fromEntries(url.searchParams);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: 'anonymous',
      apiId: 'local',
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: 'local',
      http: { method, path: url.pathname, protocol: `HTTP/${req.httpVersion}`, sourceIp, userAgent: headers['user-agent'] ?? '' },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0 ? { body: text ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !text,
  };
}

function sendPlain(res: ServerResponse, status: number, message: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json');
  res.end(JSON.stringify({ Message: message }));
}
