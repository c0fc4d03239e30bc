import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { LOCAL_REGION } from '../emulators';
import { LOCAL_ACCOUNT_ID } from '../lambda';
import type { Route } from './router';

const LOCAL_API_ID = 'local';

export function methodArn(stage: string, method: string, path: string): string {
  return `arn:aws:execute-api:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:${LOCAL_API_ID}/${stage}/${method}` + path;
}

/** Node reports IPv4 peers of a dual-stack socket as `::ffff:a.b.c.d`; API Gateway reports `a.b.c.d`. */
export function normaliseAddress(address: string | undefined): string {
  if (!address) return '127.0.0.1';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice('::ffff:'.length) : address;
}

export interface ProxyHeaders {
  readonly headers: Record<string, string>;
  readonly multiValueHeaders: Record<string, string[]>;
}

/**
 * Headers as API Gateway passes them: the client's spelling, the last value in `headers`, every value in
 * `multiValueHeaders`, and X-Forwarded-For/-Proto/-Port added as API Gateway adds them (the client's entries first).
 */
export function proxyHeaders(req: IncomingMessage, sourceIp: string): ProxyHeaders {
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

export function headerValue(headers: Record<string, string>, name: string): string | undefined {
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

export interface ProxyRequest extends ProxyHeaders {
  readonly req: IncomingMessage;
  readonly url: URL;
  readonly method: string;
  readonly route: Route;
  readonly pathParameters: Record<string, string> | null;
  readonly body: Buffer;
  readonly sourceIp: string;
  readonly requestId: string;
  readonly stage: string;
  readonly authorizerContext: Record<string, string | null> | undefined;
}

/** Call it once the authoriser has answered: it reads the clock for `requestTime`. */
export function proxyEvent(request: ProxyRequest): APIGatewayProxyEvent {
  const { req, url, method, route, headers, sourceIp, requestId, stage } = request;
  const now = new Date();
  const { single: queryStringParameters, multi: multiValueQueryStringParameters } = queryParameters(url);
  return {
    resource: route.resource,
    path: url.pathname,
    httpMethod: method,
    headers,
    multiValueHeaders: request.multiValueHeaders,
    queryStringParameters,
    multiValueQueryStringParameters,
    pathParameters: request.pathParameters,
    stageVariables: null,
    body: request.body.length > 0 ? request.body.toString('utf8') : null,
    isBase64Encoded: false,
    requestContext: {
      accountId: LOCAL_ACCOUNT_ID,
      apiId: LOCAL_API_ID,
      authorizer: request.authorizerContext,
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
      path: `/${stage}${url.pathname}`,
      protocol: `HTTP/${req.httpVersion}`,
      requestId,
      requestTime: apiGatewayRequestTime(now),
      requestTimeEpoch: now.getTime(),
      resourceId: LOCAL_API_ID,
      resourcePath: route.resource,
      stage,
    },
  };
}
