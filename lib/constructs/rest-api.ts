import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import * as z from 'zod';
import { pathParametersOf, type RouteDefinition } from '../../functions/contracts/routes/route';

export const STAGE_NAME = 'prod';

export interface RestApiProps {
  /** The project key: encrypts the access and execution log groups. */
  readonly encryptionKey: kms.IKey;
  /**
   * Description of the REST API, shown in the console.
   * @default 'Eirlead HTTP API v1: event ingest and leads'
   */
  readonly description?: string;
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
   * Per-route limits below the stage's, keyed `/v1/events/POST` (resource path, then method).
   * @default - the stage limits apply to every route
   */
  readonly methodThrottling?: Readonly<Record<string, { readonly rateLimit: number; readonly burstLimit: number }>>;
  /**
   * Retention of the access and execution logs, in days (a value CloudWatch Logs accepts).
   * @default 30
   */
  readonly logRetentionDays?: number;
}

/**
 * Gateway responses in the project's error shape, so a caller sees the same body whether API Gateway or a
 * function refused the request. The codes match functions/platform/http.ts.
 */
const GATEWAY_RESPONSES: ReadonlyArray<{ type: apigateway.ResponseType; code: string; statusCode?: string }> = [
  { type: apigateway.ResponseType.DEFAULT_4XX, code: 'ClientError' },
  { type: apigateway.ResponseType.DEFAULT_5XX, code: 'InternalError' },
  { type: apigateway.ResponseType.BAD_REQUEST_PARAMETERS, code: 'BadRequest' },
  { type: apigateway.ResponseType.BAD_REQUEST_BODY, code: 'BadRequest' },
  { type: apigateway.ResponseType.UNAUTHORIZED, code: 'Unauthorized' },
  { type: apigateway.ResponseType.ACCESS_DENIED, code: 'Forbidden' },
  { type: apigateway.ResponseType.WAF_FILTERED, code: 'Forbidden' },
  // API Gateway answers an unknown route with 403 "Missing Authentication Token"; to a caller it is a 404.
  { type: apigateway.ResponseType.MISSING_AUTHENTICATION_TOKEN, code: 'NotFound', statusCode: '404' },
  { type: apigateway.ResponseType.RESOURCE_NOT_FOUND, code: 'NotFound' },
  { type: apigateway.ResponseType.THROTTLED, code: 'Throttled' },
  { type: apigateway.ResponseType.QUOTA_EXCEEDED, code: 'Throttled' },
  { type: apigateway.ResponseType.REQUEST_TOO_LARGE, code: 'PayloadTooLarge' },
  { type: apigateway.ResponseType.UNSUPPORTED_MEDIA_TYPE, code: 'UnsupportedMediaType' },
  { type: apigateway.ResponseType.AUTHORIZER_FAILURE, code: 'InternalError' },
  { type: apigateway.ResponseType.AUTHORIZER_CONFIGURATION_ERROR, code: 'InternalError' },
  { type: apigateway.ResponseType.INTEGRATION_FAILURE, code: 'InternalError' },
  { type: apigateway.ResponseType.INTEGRATION_TIMEOUT, code: 'Timeout' },
];

/**
 * The access log line: what happened and how long it took, with no IP address, user agent or full path
 * (a path holds ids, the query string could hold anything), because the logs must hold no personal data.
 */
export const REST_API_ACCESS_LOG_FORMAT = apigateway.AccessLogFormat.custom(
  JSON.stringify({
    requestId: apigateway.AccessLogField.contextRequestId(),
    requestTimeEpoch: apigateway.AccessLogField.contextRequestTimeEpoch(),
    httpMethod: apigateway.AccessLogField.contextHttpMethod(),
    resourcePath: apigateway.AccessLogField.contextResourcePath(),
    status: apigateway.AccessLogField.contextStatus(),
    protocol: apigateway.AccessLogField.contextProtocol(),
    responseLength: apigateway.AccessLogField.contextResponseLength(),
    responseLatency: apigateway.AccessLogField.contextResponseLatency(),
    integrationLatency: apigateway.AccessLogField.contextIntegrationLatency(),
    integrationStatus: apigateway.AccessLogField.contextIntegrationStatus(),
    authorizerStatus: apigateway.AccessLogField.contextAuthorizerStatus(),
    errorType: apigateway.AccessLogField.contextErrorResponseType(),
    errorMessage: apigateway.AccessLogField.contextErrorMessage(),
  }),
);

/**
 * The REST API in front of the leads API, and of the public ingest and snippet routes when the stack keeps them
 * here (context `ingestApi` "rest"; otherwise they are on `PublicApi`): regional endpoint, stage throttling,
 * access and execution logs with retention, and the project's error body on every response API Gateway itself
 * produces. Routes are added by the constructs that own the functions behind them.
 */
export class RestApi extends Construct {
  public readonly api: apigateway.RestApi;
  /** `/v1`: every route of API version 1 hangs below it. */
  public readonly v1: apigateway.Resource;
  /**
   * Checks declared path and query parameters before a function is invoked. Body validation is enabled too,
   * but no method attaches a body model: bodies are checked by the handlers' zod schemas, whose 400s carry
   * the `issues` list the API promises (API Gateway's model errors cannot), and `text/plain` beacons could
   * not be modelled anyway.
   */
  public readonly requestValidator: apigateway.RequestValidator;
  public readonly accessLogGroup: logs.LogGroup;
  public readonly executionLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: RestApiProps) {
    super(scope, id);
    const rate = props.throttlingRateLimit ?? 100;
    const burst = props.throttlingBurstLimit ?? 200;
    if (!(rate > 0) || !Number.isInteger(burst) || burst < 1) {
      throw new Error(`RestApi: throttling needs a positive rate and a positive integer burst, got ${rate}/${burst}`);
    }
    const retention = (props.logRetentionDays ?? 30) as logs.RetentionDays;
    if (!(retention in logs.RetentionDays)) {
      throw new Error(`RestApi: logRetentionDays ${retention} is not a CloudWatch Logs retention period`);
    }

    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', {
      retention,
      encryptionKey: props.encryptionKey,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.api = new apigateway.RestApi(this, 'Api', {
      restApiName: 'eirlead',
      description: props.description ?? 'Eirlead HTTP API v1: event ingest and leads',
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      // Execution logging needs the account-level API Gateway logging role; creating it here makes a fresh
      // account deployable. It is retained on stack deletion because other APIs in the account may use it.
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
      deployOptions: {
        stageName: STAGE_NAME,
        accessLogDestination: new apigateway.LogGroupLogDestination(this.accessLogGroup),
        accessLogFormat: REST_API_ACCESS_LOG_FORMAT,
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        // Full request and response logging would put visitor data and API keys into the logs.
        dataTraceEnabled: false,
        metricsEnabled: true,
        // X-Ray segments of API Gateway record the client IP, which must not be stored anywhere.
        tracingEnabled: false,
        throttlingRateLimit: rate,
        throttlingBurstLimit: burst,
        // A method setting replaces the stage's for that method, so it repeats the logging choices above.
        methodOptions: Object.fromEntries(
          Object.entries(props.methodThrottling ?? {}).map(([path, limits]) => [
            path,
            {
              throttlingRateLimit: limits.rateLimit,
              throttlingBurstLimit: limits.burstLimit,
              loggingLevel: apigateway.MethodLoggingLevel.ERROR,
              dataTraceEnabled: false,
              metricsEnabled: true,
            },
          ]),
        ),
      },
    });

    // API Gateway creates the execution log group on first use, without retention; creating it first, under
    // the name API Gateway uses, gives it one. The stage must wait for it, or API Gateway may win the race.
    this.executionLogGroup = new logs.LogGroup(this, 'ExecutionLogs', {
      logGroupName: `API-Gateway-Execution-Logs_${this.api.restApiId}/${STAGE_NAME}`,
      retention,
      encryptionKey: props.encryptionKey,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.api.deploymentStage.node.addDependency(this.executionLogGroup);

    this.requestValidator = new apigateway.RequestValidator(this, 'RequestValidator', {
      restApi: this.api,
      validateRequestParameters: true,
      validateRequestBody: true,
    });

    // The request id goes into the body (`error.requestId`), as the functions put it there; a gateway response
    // cannot map it into a header of ours, but API Gateway sends it on every answer as `x-amzn-RequestId`.
    // A throttled caller is told when to come back: the stage's token bucket refills within a second.
    for (const { type, code, statusCode } of GATEWAY_RESPONSES) {
      const throttled = code === 'Throttled';
      this.api.addGatewayResponse(`Response${type.responseType}`, {
        type,
        ...(statusCode ? { statusCode } : {}),
        responseHeaders: {
          'Content-Type': "'application/json'",
          'X-Content-Type-Options': "'nosniff'",
          'Cache-Control': "'no-store'",
          ...(throttled ? { 'Retry-After': "'1'" } : {}),
        },
        templates: {
          'application/json': `{"error":{"code":"${code}","message":$context.error.messageString,"requestId":"$context.requestId"}}`,
        },
      });
    }

    this.v1 = this.api.root.addResource('v1');

    const cloudWatchRole = this.api.node.tryFindChild('CloudWatchRole');
    if (cloudWatchRole) {
      Validations.of(cloudWatchRole).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason:
          'The account-wide API Gateway logging role, assumable only by apigateway.amazonaws.com; AWS documents this managed policy for it and it grants only CloudWatch Logs writes.',
      });
    }
    Validations.of(this.api.deploymentStage).acknowledge({
      id: 'AwsSolutions-APIG3',
      reason:
        'No WAF web ACL by default (it costs a fixed monthly fee per ACL and rule); stage throttling limits floods, and a customer can associate its own web ACL with the prod stage.',
    });
    Validations.of(this.api.deploymentStage).acknowledge({
      id: 'NIST.800.53.R5-APIGWAssociatedWithWAF',
      reason:
        'AWS WAF is optional (context waf.enabled associates a regional web ACL with this stage; it costs a fixed monthly fee per ACL and rule). Without it the stage throttle and, on the leads routes, the token authoriser limit abuse, and a customer can associate its own web ACL.',
    });
    Validations.of(this.api.deploymentStage).acknowledge({
      id: 'NIST.800.53.R5-APIGWSSLEnabled',
      reason:
        'A client certificate lets an HTTP backend authenticate API Gateway. Every integration here is a Lambda proxy integration, which API Gateway invokes through the Lambda API with IAM: there is no backend endpoint to present a certificate to.',
    });
    Validations.of(this.api.deploymentStage).acknowledge({
      id: 'NIST.800.53.R5-APIGWCacheEnabledAndEncrypted',
      reason:
        "API caching is off, so there is no cache to encrypt. It stays off: responses are per caller and per key grant (leads, audit trail, data-subject answers) or must never be replayed (erasures), and a cache would keep personal data outside the table's retention. The authoriser's result cache is separate and holds no response data.",
    });
    Validations.of(this.api.deploymentStage).acknowledge({
      id: 'Serverless-APIGWXrayEnabled',
      reason: 'API Gateway X-Ray segments record the caller IP; the design stores no full IP anywhere, so tracing stays off.',
    });
  }

  /**
   * Adds a method that needs no authorisation, acknowledging the cdk-nag authorisation rules on that one
   * method with the caller's reason, so every public route states why it is public.
   */
  public addPublicMethod(
    resource: apigateway.IResource,
    httpMethod: string,
    handler: lambda.IFunction,
    whyPublic: string,
    options: apigateway.MethodOptions = {},
  ): apigateway.Method {
    const method = resource.addMethod(httpMethod, this.integration(handler), {
      requestValidator: this.requestValidator,
      ...options,
      authorizationType: apigateway.AuthorizationType.NONE,
    });
    Validations.of(method).acknowledge({ id: 'AwsSolutions-APIG4', reason: whyPublic });
    // cdk-nag exempts CORS preflights from COG4, so acknowledging it there would only add noise.
    if (httpMethod !== 'OPTIONS') Validations.of(method).acknowledge({ id: 'AwsSolutions-COG4', reason: whyPublic });
    return method;
  }

  /**
   * Adds a route of the route table (functions/contracts/routes.ts), answered by `handler`: its resource, its
   * path and query parameters (checked by the request validator before the function runs) and, for routes behind
   * an API key, the token authoriser. Public routes say why they are public (`addPublicMethod`).
   */
  public addRoute(route: RouteDefinition, handler: lambda.IFunction, authorizer?: apigateway.IAuthorizer): apigateway.Method {
    const resource = this.api.root.resourceForPath(route.path);
    if (route.auth.type === 'none') return this.addPublicMethod(resource, route.method, handler, route.auth.why);
    if (!authorizer) throw new Error(`RestApi: ${route.method} ${route.path} needs an API key, but no authoriser was given`);
    const method = resource.addMethod(route.method, this.integration(handler), {
      authorizer,
      authorizationType: apigateway.AuthorizationType.CUSTOM,
      requestValidator: this.requestValidator,
      requestParameters: requestParametersOf(route),
    });
    Validations.of(method).acknowledge({
      id: 'AwsSolutions-COG4',
      reason:
        'Callers are servers holding an API key or people signed in to the dashboard (Cognito with TOTP, then a session cookie); the Lambda REQUEST authoriser checks either (hashed lookup, expiry, revocation, sign-out) on every request. A Cognito authoriser could check neither an API key nor a cookie.',
    });
    return method;
  }

  /** Lambda proxy integration; the console's test-invoke permission is left out, nobody needs it in production. */
  public integration(handler: lambda.IFunction): apigateway.LambdaIntegration {
    return new apigateway.LambdaIntegration(handler, { allowTestInvoke: false });
  }
}

/** `method.request.path.siteId: true`, `method.request.querystring.limit: false`: required-ness from the route's schemas. */
export function requestParametersOf(route: RouteDefinition): Record<string, boolean> {
  const parameters: Record<string, boolean> = {};
  for (const name of pathParametersOf(route.path)) parameters[`method.request.path.${name}`] = true;
  if (route.query) {
    const schema = z.toJSONSchema(route.query, { io: 'input', unrepresentable: 'any' }) as { properties?: object; required?: string[] };
    for (const name of Object.keys(schema.properties ?? {})) {
      parameters[`method.request.querystring.${name}`] = schema.required?.includes(name) ?? false;
    }
  }
  return parameters;
}
