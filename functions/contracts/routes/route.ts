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
  /** A schema registered with `.meta({ id })`, sent as `application/json`. */
  readonly schema?: z.ZodType;
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
  readonly body?: { readonly schema: z.ZodType; readonly mediaTypes: readonly string[] };
  readonly responses: Readonly<Record<string, RouteResponse>>;
  /** CORS preflights are answered, not documented. @default true */
  readonly documented?: boolean;
  /**
   * With `ingestApi: "functionUrl"` (the default), also served at the Lambda function URL of `function`, which has
   * no API Gateway request fee; only unauthenticated routes with a literal path may be. @default false
   */
  readonly functionUrl?: boolean;
  /** What the operation promises beyond its summary (the OpenAPI operation's description). @default none */
  readonly description?: string;
}

/** The answers every route behind an API key may give. */
export const authErrors = {
  '401': { description: 'Missing or unknown API key' },
  '403': { description: 'The key may not do this on this site' },
} as const satisfies Record<string, RouteResponse>;

/** `{siteId}`, `{leadId}`: the path's parameters, in order. */
export const pathParametersOf = (path: string): string[] => [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? '');
