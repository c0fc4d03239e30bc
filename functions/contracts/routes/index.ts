import { DOCS_ROUTES } from './docs';
import { DASHBOARD_ROUTES } from './dashboard';
import { API_KEY_ROUTES } from './api-keys';
import { ALERT_ROUTES } from './alerts';
import { CRM_ROUTES } from './crm';
import { EVENT_ROUTES } from './events';
import { HIDDEN_ROUTES } from './hidden';
import { EXPORT_ROUTES } from './exports';
import { LEAD_ROUTES } from './leads';
import { PRIVACY_ROUTES } from './privacy';
import type { FunctionName } from '../functions';

/**
 * The one route table of the HTTP API v1, one file per area. The CDK constructs build the REST API and the public
 * HTTP API from it, the local runtime routes with it, each API function dispatches by it (checking each route's
 * scope), and the OpenAPI document is generated from it. A route is added to its area's file, and to the function
 * that answers it.
 */
export const ROUTES = [...EVENT_ROUTES, ...LEAD_ROUTES, ...HIDDEN_ROUTES, ...PRIVACY_ROUTES, ...EXPORT_ROUTES, ...DOCS_ROUTES, ...ALERT_ROUTES, ...CRM_ROUTES, ...DASHBOARD_ROUTES, ...API_KEY_ROUTES] as const;

export type Route = (typeof ROUTES)[number];

/** The operations a function answers, e.g. `OperationOf<'leadsApi'>`: its dispatch table must name each. */
export type OperationOf<F extends FunctionName> = Extract<Route, { function: F }>['operationId'];

/** The routes served at a function's URL (`ingestApi: "functionUrl"`). */
export const urlRoutesOf = (name: FunctionName): Route[] => ROUTES.filter((route) => route.function === name && 'functionUrl' in route && route.functionUrl);

/** The route of an API Gateway proxy event (`httpMethod`, `resource`). */
export function findRoute(method: string, path: string): Route | undefined {
  return ROUTES.find((route) => route.method === method && route.path === path);
}
