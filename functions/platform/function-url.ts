import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context, LambdaFunctionURLEvent } from 'aws-lambda';
import { errorResponse, HttpError } from './http';

/**
 * The edge between a Lambda function URL and a handler written for API Gateway's proxy events (payload format 1.0,
 * which the REST API and the public HTTP API send). A function URL sends payload format 2.0 for every path and
 * method; this adapter serves only the routes given (the route table's, for this function), answers other paths
 * and methods as API Gateway would (404, 405) in the API's error body, and turns the rest into the 1.0 event the
 * handler already takes. Nothing beyond this file knows which of the two shapes arrived.
 */

export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** A route served at the function URL: method and literal path (function URL routes have no path parameters). */
export interface UrlRoute {
  readonly method: string;
  readonly path: string;
}

/** Payload format 2.0 as function URLs send it (and HTTP APIs with format 2.0). */
export const isFunctionUrlEvent = (event: unknown): event is LambdaFunctionURLEvent =>
  typeof event === 'object' && event !== null && (event as { version?: unknown }).version === '2.0' &&
  typeof (event as { requestContext?: { http?: unknown } }).requestContext?.http === 'object';

/**
 * The handler, answering API Gateway proxy events as before and function URL events through the adapter.
 * A route must be given once per method, with the path as the route table spells it.
 */
export function servedAtFunctionUrl(handler: ProxyHandler, routes: readonly UrlRoute[]) {
  const paths = new Set(routes.map((route) => route.path));
  if (routes.some((route) => !/^\/[^{}\s]*$/.test(route.path))) throw new Error('servedAtFunctionUrl: paths must be literal and start with /');
  return async (event: APIGatewayProxyEvent | LambdaFunctionURLEvent, context: Context): Promise<APIGatewayProxyResult> => {
    if (!isFunctionUrlEvent(event)) return handler(event, context);
    const { method, path } = event.requestContext.http;
    const route = routes.find((candidate) => candidate.path === event.rawPath && candidate.method === method);
    if (!route) {
      if (!paths.has(event.rawPath)) return errorResponse(new HttpError(404, 'NotFound', 'No such route'));
      const allow = routes.filter((candidate) => candidate.path === event.rawPath).map((candidate) => candidate.method).join(', ');
      return errorResponse(new HttpError(405, 'MethodNotAllowed', `${method} is not allowed on ${path}`, undefined, { Allow: allow }));
    }
    return handler(proxyEventOf(event, route), context);
  };
}

/**
 * The 1.0 proxy event of a function URL request. Headers arrive lower-case with repeated values joined by commas
 * (cookies apart); the client's address is `requestContext.http.sourceIp`, the TCP peer as Lambda saw it, which
 * the 1.0 event carries in `requestContext.identity.sourceIp`.
 */
export function proxyEventOf(event: LambdaFunctionURLEvent, route: UrlRoute): APIGatewayProxyEvent {
  const { requestContext } = event;
  const headers: Record<string, string> = Object.fromEntries(Object.entries(event.headers).flatMap(([name, value]) => (value === undefined ? [] : [[name, value]])));
  if (event.cookies?.length) headers.cookie = event.cookies.join('; ');
  const multiValueHeaders = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]]));
  const query = Object.fromEntries(Object.entries(event.queryStringParameters ?? {}).flatMap(([name, value]) => (value === undefined ? [] : [[name, value]])));
  const hasQuery = Object.keys(query).length > 0;
  return {
    resource: route.path,
    path: event.rawPath,
    httpMethod: requestContext.http.method,
    headers,
    multiValueHeaders,
    queryStringParameters: hasQuery ? query : null,
    multiValueQueryStringParameters: hasQuery ? Object.fromEntries(Object.entries(query).map(([name, value]) => [name, [value]])) : null,
    pathParameters: null,
    stageVariables: null,
    body: event.body ?? null,
    isBase64Encoded: event.isBase64Encoded,
    requestContext: {
      accountId: requestContext.accountId,
      apiId: requestContext.apiId,
      authorizer: null,
      domainName: requestContext.domainName,
      domainPrefix: requestContext.domainPrefix,
      httpMethod: requestContext.http.method,
      path: event.rawPath,
      protocol: requestContext.http.protocol,
      requestId: requestContext.requestId,
      requestTimeEpoch: requestContext.timeEpoch,
      resourceId: route.path,
      resourcePath: route.path,
      stage: '$default',
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
        sourceIp: requestContext.http.sourceIp,
        user: null,
        userAgent: requestContext.http.userAgent ?? null,
        userArn: null,
      },
    },
  };
}
