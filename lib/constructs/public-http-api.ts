import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogField, AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** Request limits of a stage or a route, as API Gateway takes them. */
export interface RouteLimits {
  /** Steady-state requests per second. */
  readonly rateLimit: number;
  /** Burst capacity in requests. */
  readonly burstLimit: number;
}

/** One unauthenticated route: what it is, which function answers it and why it may be called without a key. */
export interface PublicRoute {
  /** `POST`, `OPTIONS`, `GET`, ... */
  readonly method: apigwv2.HttpMethod;
  /** The full path, starting with `/`, e.g. `/v1/events`. */
  readonly path: string;
  readonly handler: lambda.IFunction;
  /**
   * Why the route needs no authorisation; it becomes the cdk-nag acknowledgement on the route, so a reviewer
   * reads the reason next to the finding.
   */
  readonly whyPublic: string;
}

/** The HTTP API route key of a route: `POST /v1/events`. */
export const routeKeyOf = (route: { readonly method: string; readonly path: string }): string => `${route.method} ${route.path}`;

/**
 * `/v1/events/POST` (the REST-style key of the `throttle.methods` context: resource path, then method) as an
 * HTTP API route key, `POST /v1/events`.
 */
export function routeKeyFromMethodPath(methodPath: string): string {
  const slash = methodPath.lastIndexOf('/');
  if (slash <= 0 || slash === methodPath.length - 1) {
    throw new Error(`PublicHttpApi: "${methodPath}" is not a resource path followed by /METHOD`);
  }
  return `${methodPath.slice(slash + 1)} ${methodPath.slice(0, slash)}`;
}

/**
 * Splits REST-style per-method limits into those that name one of `routes` (returned as HTTP API route keys)
 * and the rest, which stay with the REST API. A REST stage refuses method settings for paths it does not
 * have, and an HTTP API stage refuses route settings for routes it does not have, so each limit must go to
 * the API that serves its route.
 */
export function splitMethodThrottling(
  methods: Readonly<Record<string, RouteLimits>>,
  routes: readonly { readonly method: string; readonly path: string }[],
): { publicRoutes: Record<string, RouteLimits>; rest: Record<string, RouteLimits> } {
  const publicKeys = new Set(routes.map(routeKeyOf));
  const publicRoutes: Record<string, RouteLimits> = {};
  const rest: Record<string, RouteLimits> = {};
  for (const [methodPath, limits] of Object.entries(methods)) {
    const routeKey = routeKeyFromMethodPath(methodPath);
    if (publicKeys.has(routeKey)) publicRoutes[routeKey] = limits;
    else rest[methodPath] = limits;
  }
  return { publicRoutes, rest };
}

export interface PublicHttpApiProps {
  /** The routes; each gets a Lambda proxy integration with payload format 1.0. At least one. */
  readonly routes: readonly PublicRoute[];
  /** The project key: encrypts the access log group. */
  readonly encryptionKey: kms.IKey;
  /**
   * Stage-wide steady-state request rate (requests per second).
   * @default 100
   */
  readonly throttlingRateLimit?: number;
  /**
   * Stage-wide burst capacity (requests).
   * @default 200
   */
  readonly throttlingBurstLimit?: number;
  /**
   * Tighter limits for single routes, keyed by HTTP API route key (`POST /v1/events`); every key must be one
   * of `routes`.
   * @default - the stage limits apply to every route
   */
  readonly routeThrottling?: Readonly<Record<string, RouteLimits>>;
  /**
   * Retention of the access log, in days (a value CloudWatch Logs accepts).
   * @default 30
   */
  readonly logRetentionDays?: number;
}

/**
 * The access log line: what happened and how long it took. Like the REST API's, it holds no IP address, no
 * user agent and no path (a path can hold ids, a query string anything): the route key is the route's
 * template, e.g. `POST /v1/events`. `integrationError` is the only place an HTTP API says why an integration
 * failed, since HTTP APIs have no execution log.
 */
export const PUBLIC_API_ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: AccessLogField.contextRequestId(),
    requestTimeEpoch: AccessLogField.contextRequestTimeEpoch(),
    httpMethod: AccessLogField.contextHttpMethod(),
    routeKey: AccessLogField.contextRouteKey(),
    status: AccessLogField.contextStatus(),
    protocol: AccessLogField.contextProtocol(),
    responseLength: AccessLogField.contextResponseLength(),
    responseLatency: AccessLogField.contextResponseLatency(),
    integrationLatency: AccessLogField.contextIntegrationLatency(),
    integrationStatus: AccessLogField.contextIntegrationStatus(),
    integrationError: AccessLogField.contextIntegrationErrorMessage(),
    errorType: AccessLogField.contextErrorResponseType(),
    errorMessage: AccessLogField.contextErrorMessage(),
  }),
);

/**
 * The public, unauthenticated, high-volume routes on an API Gateway HTTP API (regional by nature, about a
 * third of a REST API's price per request): the `$default` stage with auto-deploy, stage and per-route
 * throttling, and a JSON access log without personal data. The functions get payload format 1.0, the
 * REST API's proxy event shape (`requestContext.identity.sourceIp`, `httpMethod`, `isBase64Encoded`), so they
 * run unchanged behind either API. There is deliberately no CORS configuration: API Gateway would then answer
 * preflights itself, and only the ingest function knows each site's allowed origins.
 */
export class PublicHttpApi extends Construct {
  public readonly httpApi: apigwv2.HttpApi;
  /** The `$default` stage: its URL has no stage segment. */
  public readonly stage: apigwv2.HttpStage;
  /** Base URL, ending in `/`; routes are appended without their leading slash (`${url}v1/events`). */
  public readonly url: string;
  public readonly accessLogGroup: logs.LogGroup;
  /** The routes by route key (`POST /v1/events`). */
  public readonly routes: Readonly<Record<string, apigwv2.HttpRoute>>;

  constructor(scope: Construct, id: string, props: PublicHttpApiProps) {
    super(scope, id);
    const rate = props.throttlingRateLimit ?? 100;
    const burst = props.throttlingBurstLimit ?? 200;
    const retention = (props.logRetentionDays ?? 30) as logs.RetentionDays;
    validate(props, { rateLimit: rate, burstLimit: burst }, retention);

    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', {
      retention,
      encryptionKey: props.encryptionKey,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.httpApi = new apigwv2.HttpApi(this, 'Api', {
      apiName: 'eirlead-public',
      description: 'Eirlead public routes: event ingest and the tracking snippet',
      // The stage is made below, with throttling and access logs the default stage cannot be given.
      createDefaultStage: false,
    });

    this.stage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: rate, burstLimit: burst },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogGroup),
        format: PUBLIC_API_ACCESS_LOG_FORMAT,
      },
    });
    this.url = this.stage.url;

    // One integration per function: API Gateway then holds one integration for both /v1/events routes.
    // Each route still gets its own Lambda permission, scoped to this API and the route's path.
    const integrations = new Map<lambda.IFunction, HttpLambdaIntegration>();
    const routes: Record<string, apigwv2.HttpRoute> = {};
    for (const route of props.routes) {
      let integration = integrations.get(route.handler);
      if (!integration) {
        integration = new HttpLambdaIntegration(`Integration${integrations.size}`, route.handler, {
          payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_1_0,
        });
        integrations.set(route.handler, integration);
      }
      const key = routeKeyOf(route);
      const [created] = this.httpApi.addRoutes({ path: route.path, methods: [route.method], integration });
      if (!created) throw new Error(`PublicHttpApi: no route was made for ${key}`);
      Validations.of(created).acknowledge({ id: 'AwsSolutions-APIG4', reason: route.whyPublic });
      routes[key] = created;
    }
    this.routes = routes;

    const routeThrottling = props.routeThrottling ?? {};
    if (Object.keys(routeThrottling).length > 0) {
      // The L2 stage has no per-route settings. RouteSettings is untyped JSON, passed to CloudFormation as
      // written, so its keys are spelt as CloudFormation's RouteSettings type spells them. Only throttling is
      // set: detailed (per-route) metrics stay off, as on the stage.
      const cfnStage = this.stage.node.defaultChild as apigwv2.CfnStage;
      cfnStage.routeSettings = Object.fromEntries(
        Object.entries(routeThrottling).map(([key, limits]) => [
          key,
          { ThrottlingRateLimit: limits.rateLimit, ThrottlingBurstLimit: limits.burstLimit },
        ]),
      );
    }
    // API Gateway refuses route settings for a route that does not exist yet, and the first auto-deployment
    // should carry every route: the stage is made after the routes.
    for (const route of Object.values(routes)) this.stage.node.addDependency(route);
  }
}

function validate(props: PublicHttpApiProps, stage: RouteLimits, retention: number): void {
  const badLimits = (limits: RouteLimits) =>
    !(limits.rateLimit > 0) || !Number.isInteger(limits.burstLimit) || limits.burstLimit < 1;
  if (badLimits(stage)) {
    throw new Error(`PublicHttpApi: throttling needs a positive rate and a positive integer burst, got ${stage.rateLimit}/${stage.burstLimit}`);
  }
  if (!(retention in logs.RetentionDays)) {
    throw new Error(`PublicHttpApi: logRetentionDays ${retention} is not a CloudWatch Logs retention period`);
  }
  if (props.routes.length === 0) throw new Error('PublicHttpApi: give at least one route');
  const keys = props.routes.map(routeKeyOf);
  const badPath = props.routes.find((route) => !/^\/\S*$/.test(route.path));
  if (badPath) throw new Error(`PublicHttpApi: a route path must start with / and hold no spaces, got "${badPath.path}"`);
  const duplicate = keys.find((key, index) => keys.indexOf(key) !== index);
  if (duplicate) throw new Error(`PublicHttpApi: route ${duplicate} is given twice`);
  for (const [key, limits] of Object.entries(props.routeThrottling ?? {})) {
    if (!keys.includes(key)) throw new Error(`PublicHttpApi: routeThrottling names ${key}, which is not one of its routes (${keys.join(', ')})`);
    if (badLimits(limits)) {
      throw new Error(`PublicHttpApi: throttling of ${key} needs a positive rate and a positive integer burst, got ${limits.rateLimit}/${limits.burstLimit}`);
    }
  }
}
