import type { ServerResponse } from 'node:http';
import type { APIGatewayProxyResult } from 'aws-lambda';

/** Codes of the errors API Gateway answers itself (gateway responses), in the project's error body. */
// The same codes as the stack's gateway responses (lib/constructs/rest-api.ts) and functions/platform/http.ts.
export const GATEWAY_ERRORS = {
  notFound: { status: 404, code: 'NotFound', message: 'No such resource' },
  methodNotAllowed: { status: 405, code: 'MethodNotAllowed', message: 'Method not allowed on this resource' },
  payloadTooLarge: { status: 413, code: 'PayloadTooLarge', message: 'The request body exceeds 10 MB' },
  unauthorized: { status: 401, code: 'Unauthorized', message: 'A valid API key is required' },
  forbidden: { status: 403, code: 'Forbidden', message: 'This API key may not use this resource' },
  authorizerFailure: { status: 500, code: 'InternalError', message: 'The authoriser failed' },
  badGateway: { status: 502, code: 'InternalError', message: 'Internal server error' },
  timeout: { status: 504, code: 'Timeout', message: 'The function did not answer in time' },
  notReady: { status: 503, code: 'NotReady', message: 'The local runtime is starting or stopping' },
  throttled: { status: 429, code: 'Throttled', message: 'Too Many Requests' },
} as const;
export type GatewayError = (typeof GATEWAY_ERRORS)[keyof typeof GATEWAY_ERRORS];

export function isProxyResult(value: unknown): value is APIGatewayProxyResult {
  if (typeof value !== 'object' || value === null) return false;
  const { statusCode, body } = value as Record<string, unknown>;
  return Number.isInteger(statusCode) && (body === undefined || body === null || typeof body === 'string');
}

export function writeResult(res: ServerResponse, result: APIGatewayProxyResult, requestId: string): void {
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
  // The function sets X-Request-Id from the proxy event's requestId; API Gateway adds nothing of its own.
  res.statusCode = result.statusCode;
  const body = result.body ?? '';
  res.end(result.isBase64Encoded ? Buffer.from(body, 'base64') : body);
}

export function sendJson(res: ServerResponse, status: number, body: unknown): number {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json');
  res.end(JSON.stringify(body));
  return status;
}

/** As the stack's gateway responses do (lib/constructs/rest-api.ts): the request id as a header and in the body. */
export function sendError(res: ServerResponse, error: GatewayError, requestId: string): number {
  res.setHeader('x-amzn-RequestId', requestId);
  res.setHeader('X-Request-Id', requestId);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  return sendJson(res, error.status, { error: { code: error.code, message: error.message, requestId } });
}
