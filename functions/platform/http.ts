import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { z } from 'zod';
import type { ErrorResponse } from '../contracts/api/common';
import type { Logger } from './logger';

type Issue = { path: string; message: string };

/** An error a caller can act on; the one place that maps failures to status codes and bodies. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly issues?: Issue[],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const badRequest = (message: string, issues?: Issue[]) => new HttpError(400, 'BadRequest', message, issues);
export const forbidden = (code: string, message: string) => new HttpError(403, code, message);
export const notFound = (message: string) => new HttpError(404, 'NotFound', message);

/** Turns zod issues into `{path, message}` pairs naming the field, e.g. `events.0.url`. */
export function validationError(error: z.ZodError, prefix = ''): HttpError {
  const issues = error.issues.map((issue) => {
    // An unknown field is named by its own path, not by the object that holds it.
    const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys.join(',')] : issue.path;
    return { path: [prefix, ...path.map(String)].filter(Boolean).join('.') || '(body)', message: issue.message };
  });
  const first = issues[0];
  return badRequest(first ? `Invalid ${first.path}: ${first.message}` : 'Invalid request', issues);
}

export function parseWith<T extends z.ZodType>(schema: T, value: unknown, prefix = ''): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(result.error, prefix);
  return result.data;
}

/**
 * Sent with every API response. The API is called over HTTPS only (API Gateway has no plain HTTP listener),
 * so HSTS costs nothing and protects a custom domain; no-referrer keeps API URLs (site and lead ids) out of
 * other sites' logs; nosniff stops a JSON error body from being run as script or rendered as HTML.
 */
export const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
  'Referrer-Policy': 'no-referrer',
} as const;

/** Answers hold personal or per-caller data; no shared cache may keep them. Public documents override it. */
const DEFAULT_HEADERS = { ...SECURITY_HEADERS, 'Cache-Control': 'no-store' } as const;

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return {
    statusCode,
    headers: { 'Content-Type': 'application/json', ...DEFAULT_HEADERS, ...headers, ...SECURITY_HEADERS },
    body: JSON.stringify(body),
  };
}

export function noContent(headers: Record<string, string> = {}): APIGatewayProxyResult {
  return { statusCode: 204, headers: { ...DEFAULT_HEADERS, ...headers, ...SECURITY_HEADERS }, body: '' };
}

/** Names the request in every answer, and in error bodies as `error.requestId`, so a caller can quote it. */
export const REQUEST_ID_HEADER = 'X-Request-Id';

/**
 * The request id API Gateway gave the request (`requestContext.requestId`; the local API Gateway emulation makes
 * one too), the same id as in the access log line.
 */
export const requestIdOf = (event: Partial<Pick<APIGatewayProxyEvent, 'requestContext'>>): string | undefined =>
  event.requestContext?.requestId || undefined;

export function errorResponse(error: HttpError, headers: Record<string, string> = {}, requestId?: string): APIGatewayProxyResult {
  const body: ErrorResponse = {
    error: {
      code: error.code,
      message: error.message,
      ...(error.issues ? { issues: error.issues } : {}),
      ...(requestId ? { requestId } : {}),
    },
  };
  return json(error.statusCode, body, { ...headers, ...error.headers, ...(requestId ? { [REQUEST_ID_HEADER]: requestId } : {}) });
}

/**
 * middy error boundary for API handlers: HttpErrors become their status and body; `translate` may turn a known
 * error of a lower layer into one (an invalid page cursor into a 400); anything else is logged and becomes a 500
 * with no detail, so no stack trace or AWS error body ever reaches a caller. Every answer, error or not, carries
 * the request id (`X-Request-Id`, and `error.requestId` in error bodies).
 */
export function httpErrorBoundary(
  logger: Logger,
  options: {
    readonly extraHeaders?: (event: APIGatewayProxyEvent) => Record<string, string>;
    readonly translate?: (error: unknown) => HttpError | undefined;
  } = {},
): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    after: async (request) => {
      const requestId = requestIdOf(request.event);
      if (request.response && requestId) request.response.headers = { ...request.response.headers, [REQUEST_ID_HEADER]: requestId };
    },
    onError: async (request) => {
      const error = request.error instanceof HttpError ? request.error : (options.translate?.(request.error) ?? request.error);
      const headers = options.extraHeaders?.(request.event) ?? {};
      const requestId = requestIdOf(request.event);
      if (error instanceof HttpError) {
        request.response = errorResponse(error, headers, requestId);
        return;
      }
      logger.error('Unhandled error', { error: error as Error, requestId });
      request.response = errorResponse(new HttpError(500, 'InternalError', 'Internal error'), headers, requestId);
    },
  };
}

/** Header lookup that ignores case, as HTTP does (API Gateway passes headers as the client sent them). */
export function header(event: Pick<APIGatewayProxyEvent, 'headers'>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted && value !== undefined) return value;
  }
  return undefined;
}

/** Whether an `If-None-Match` header names `etag` (weak comparison, as for GET; `*` matches any). */
export function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  return ifNoneMatch?.split(',').some((tag) => {
    const candidate = tag.trim();
    return candidate === '*' || candidate.replace(/^W\//, '') === etag.replace(/^W\//, '');
  }) ?? false;
}

/** A JSON request body: 415 unless the Content-Type says JSON, 400 naming `(body)` unless it parses. */
export function jsonBody(event: APIGatewayProxyEvent): unknown {
  if (!header(event, 'content-type')?.toLowerCase().startsWith('application/json')) {
    throw new HttpError(415, 'UnsupportedMediaType', 'Content-Type must be application/json');
  }
  try {
    return JSON.parse(event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? ''));
  } catch {
    throw badRequest('Body is not valid JSON', [{ path: '(body)', message: 'not valid JSON' }]);
  }
}
