import type { z } from 'zod';
import type { ApiScope } from '../api/api-keys';
import type { FunctionName } from '../functions';

/** What a route of the route table (./index.ts) says: its operation, where it is served, who may call it, its schemas. */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'OPTIONS';

/**
 * - `public`: the unauthenticated, high-volume routes browsers call, served together so that a snippet finds
 *   `events` next to its own URL: on the public HTTP API (`ingestApi` `functionUrl`, the default, and `http`), on
 *   the REST API with `ingestApi: "rest"`. A route marked `functionUrl` is also served at its function's URL;
 * - `rest`: the REST API, behind the API-key authoriser where `auth` says so.
 */
export type ApiKind = 'public' | 'rest';

export type RouteAuth =
  /** `why` is the reason a reviewer reads next to cdk-nag's authorisation findings on the route. */
  | { readonly type: 'none'; readonly why: string }
  /** An API key with `scope` on the path's `siteId`. */
  | { readonly type: 'apiKey'; readonly scope: ApiScope };

export interface RouteResponse {
  readonly description: string;
  /** A schema registered with `.meta({ id })`, sent as `application/json` unless `mediaType` says otherwise. */
  readonly schema?: z.ZodType;
  /** A body that is not JSON (the snippet, the reference page): its media type; the document says `type: string`. */
  readonly mediaType?: string;
  /** An example answer, checked against `schema` (test/unit/contracts/route-examples.test.ts). Error answers get one generated. */
  readonly example?: unknown;
  /** Headers the answer carries beside those every answer has (`X-Request-Id`). */
  readonly headers?: Readonly<Record<string, { readonly description: string }>>;
}

/** Example values of a request's path and query parameters, typed as the document types them (`limit` is a number). */
export interface RequestExample {
  readonly path?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string | number>>;
}

/** A request header the route reads (beside `Authorization`, which `auth` implies). */
export interface RouteHeader {
  readonly name: string;
  readonly description: string;
  readonly required: boolean;
  readonly example: string;
}

export interface RouteDefinition {
  /** Stable and unique: names the operation in the OpenAPI document, in generated clients and in dispatch. */
  readonly operationId: string;
  readonly method: HttpMethod;
  /** API Gateway resource template, e.g. `/v1/sites/{siteId}/leads`. */
  readonly path: string;
  readonly function: FunctionName;
  readonly api: ApiKind;
  readonly auth: RouteAuth;
  readonly summary: string;
  readonly tags: readonly string[];
  /** Query parameters: names, required-ness and types come from the schema. */
  readonly query?: z.ZodObject;
  readonly body?: { readonly schema: z.ZodType; readonly mediaTypes: readonly string[]; readonly example: unknown };
  /** Request headers the operation reads, e.g. `Idempotency-Key`, `If-None-Match`. */
  readonly headers?: readonly RouteHeader[];
  /** Example path and query values; with `body.example`, the example request. */
  readonly example?: RequestExample;
  readonly responses: Readonly<Record<string, RouteResponse>>;
  /**
   * Only a CORS preflight may stay out of the document: browsers send it on their own before a cross-origin POST,
   * no client calls it, and OpenAPI has no way to say "answered for allowed origins only". Every other route is
   * documented (test/integration/contract.test.ts fails on a route served but not documented). @default true
   */
  readonly documented?: boolean;
  /**
   * With `ingestApi: "functionUrl"` (the default), also served at the Lambda function URL of `function`, which has
   * no API Gateway request fee; only unauthenticated routes with a literal path may be. @default false
   */
  readonly functionUrl?: boolean;
  /** What the operation promises beyond its summary (the OpenAPI operation's description). @default none */
  readonly description?: string;
}

/** What API Gateway answers when the stage's rate is exceeded: on every route, public ones too. */
export const throttled = {
  '429': { description: 'Throttled by the stage; `Retry-After` says when to try again', headers: { 'Retry-After': { description: 'Seconds to wait' } } },
} as const satisfies Record<string, RouteResponse>;

/** The answers every route behind an API key may give. */
export const authErrors = {
  '401': { description: 'Missing or unknown API key' },
  '403': { description: 'The key may not do this on this site' },
  ...throttled,
} as const satisfies Record<string, RouteResponse>;

/** The `Idempotency-Key` header of the POST routes that change data (functions/leads-api/idempotency.ts). */
export const IDEMPOTENCY_KEY_HEADER: RouteHeader = {
  name: 'Idempotency-Key',
  description:
    'Any string of 1-255 visible ASCII characters, unique per intended operation (a UUID). The first answer is kept 24 hours; ' +
    'a repeat with the same key and body gets it again (`Idempotent-Replayed: true`), the same key with another body a 422, ' +
    'a repeat while the first is still running a 409.',
  required: false,
  example: '5f2b8c1e-3d4a-4e7b-9c2d-1a2b3c4d5e6f',
};

/** The answers an `Idempotency-Key` adds. */
export const idempotencyErrors = {
  '409': { description: 'A request with this Idempotency-Key is still being answered' },
  '422': { description: 'This Idempotency-Key was used with another body' },
} as const satisfies Record<string, RouteResponse>;

/** `{siteId}`, `{leadId}`: the path's parameters, in order. */
export const pathParametersOf = (path: string): string[] => [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? '');
