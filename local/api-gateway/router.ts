import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { LocalFunction } from '../lambda';
import { GATEWAY_ERRORS, type GatewayError } from './responses';

export type ProxyHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export interface Route {
  readonly method: string;
  /** API Gateway resource template, e.g. `/v1/sites/{siteId}/leads`. */
  readonly resource: string;
  readonly fn: LocalFunction;
  readonly handler: ProxyHandler;
  /** Whether the TOKEN authoriser guards this route. */
  readonly authorized: boolean;
}

export interface CompiledRoute extends Route {
  readonly pattern: RegExp;
  readonly parameterNames: readonly string[];
}

export function compileRoute(route: Route): CompiledRoute {
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

export type RouteMatch =
  | { readonly route: CompiledRoute; readonly match: RegExpExecArray }
  | {
      readonly error: GatewayError;
      /** The resource to log: the first template the path matches, if any. */
      readonly resource: string;
      /** The methods the path does have, for a 405's Allow header. */
      readonly allow?: string;
    };

export function matchRoute(routes: readonly CompiledRoute[], method: string, path: string): RouteMatch {
  const matches = routes
    .map((route) => ({ route, match: route.pattern.exec(path) }))
    .filter((candidate) => candidate.match !== null);
  if (matches.length === 0) return { error: GATEWAY_ERRORS.notFound, resource: '(unknown)' };
  const found = matches.find((candidate) => candidate.route.method === method);
  if (!found?.match) {
    return {
      error: GATEWAY_ERRORS.methodNotAllowed,
      resource: matches[0]?.route.resource ?? '(unknown)',
      allow: matches.map((candidate) => candidate.route.method).join(', '),
    };
  }
  return { route: found.route, match: found.match };
}

/** The decoded path parameters (null for a template without any), or 'undecodable' for a malformed escape. */
export function pathParameters(
  route: CompiledRoute,
  match: RegExpExecArray,
): Record<string, string> | null | 'undecodable' {
  if (route.parameterNames.length === 0) return null;
  const parameters: Record<string, string> = {};
  for (const [index, name] of route.parameterNames.entries()) {
    const raw = match[index + 1] ?? '';
    try {
      parameters[name] = decodeURIComponent(raw);
    } catch {
      return 'undecodable';
    }
  }
  return parameters;
}
