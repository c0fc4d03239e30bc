import { Duration, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import type { Retention } from '../../functions/contracts/deployment-config';
import type { RestApi } from './rest-api';
import { bindTable, EirleadFunction } from './lambda-function';

export interface LeadsApiProps {
  /** The REST API the routes are added to (below `/v1`). */
  readonly httpApi: RestApi;
  readonly table: dynamodb.ITableV2;
  /** The project key: data-subject requests decrypt daily salts to recognise the subject's own visits. */
  readonly encryptionKey: kms.IKey;
  readonly retention: Retention;
  /**
   * Directory with the built tracking snippet (`npm run build:snippet`), relative to the project root; it is
   * copied into the snippet function's bundle.
   * @default 'build/snippet'
   */
  readonly snippetDir?: string;
  /**
   * How long API Gateway caches the authoriser's answer for a token. A revoked key keeps working for at most
   * this long; `Duration.seconds(0)` turns caching off.
   * @default Duration.minutes(5)
   */
  readonly authorizerCacheTtl?: Duration;
}

/** Where the snippet directory lands in the bundle (`/var/task/snippet` at run time). */
const SNIPPET_BUNDLE_DIR = 'snippet';

/**
 * The leads API: list, read and erase leads per site, answer data-subject requests and read the audit trail,
 * behind an API-key token authoriser, and the OpenAPI document an integrator fetches without a key. Per-site
 * and per-scope checks happen in the leads function with the authoriser's context, because one cached
 * authoriser answer covers every route the key calls. It also makes the function that serves the tracking
 * snippet; the stack puts its route on the API that serves event ingest (see `ingestApi`), because the snippet
 * posts to `events` next to its own URL.
 */
export class LeadsApi extends Construct {
  public readonly function: NodejsFunction;
  public readonly authorizerFunction: NodejsFunction;
  /**
   * Serves `GET /v1/snippet.js`: its own function, so it needs no table access and no key. Its route is added
   * by the stack, next to `POST /v1/events`.
   */
  public readonly snippetFunction: NodejsFunction;
  public readonly authorizer: apigateway.TokenAuthorizer;

  constructor(scope: Construct, id: string, props: LeadsApiProps) {
    super(scope, id);
    const cacheTtl = props.authorizerCacheTtl ?? Duration.minutes(5);
    if (cacheTtl.toSeconds() > 3600) {
      throw new Error('LeadsApi: authorizerCacheTtl can be at most one hour');
    }
    const { httpApi } = props;

    this.authorizerFunction = new EirleadFunction(this, 'AuthorizerFunction', {
      entry: 'functions/authorizer/handler.ts',
      serviceName: 'eirlead-authorizer',
      description: 'Eirlead: checks the API key of a leads API request',
      timeout: Duration.seconds(5),
      logRetentionDays: props.retention.logRetentionDays,
    }).function;
    bindTable(this.authorizerFunction, props.table, 'read');

    this.function = new EirleadFunction(this, 'Function', {
      entry: 'functions/leads-api/handler.ts',
      serviceName: 'eirlead-leads-api',
      description: 'Eirlead: lists, reads and erases leads; serves the OpenAPI document',
      timeout: Duration.seconds(10),
      logRetentionDays: props.retention.logRetentionDays,
      environment: { RETENTION: JSON.stringify(props.retention), KEY_PROVIDER: 'kms', KEY_ID: props.encryptionKey.keyId },
    }).function;
    // Read and erase leads, and write the audit record of every read and erasure.
    bindTable(this.function, props.table, 'readWrite');
    // Only Decrypt: data-subject requests read existing salts and never create one.
    props.encryptionKey.grant(this.function, 'kms:Decrypt');

    this.authorizer = new apigateway.TokenAuthorizer(this, 'Authorizer', {
      handler: this.authorizerFunction,
      identitySource: apigateway.IdentitySource.header('Authorization'),
      resultsCacheTtl: cacheTtl,
    });

    const openapi = httpApi.v1.addResource('openapi.json');
    httpApi.addPublicMethod(
      openapi,
      'GET',
      this.function,
      'The OpenAPI document describes the public API and holds no data; integrators read it before they have a key.',
    );

    this.snippetFunction = new EirleadFunction(this, 'SnippetFunction', {
      entry: 'functions/snippet/handler.ts',
      serviceName: 'eirlead-snippet',
      description: 'Eirlead: serves the tracking snippet',
      // It returns a file read at cold start: the smallest size is plenty.
      memorySize: 128,
      timeout: Duration.seconds(3),
      logRetentionDays: props.retention.logRetentionDays,
      environment: { SNIPPET_FILE: `/var/task/${SNIPPET_BUNDLE_DIR}/eirlead.js` },
      copyIntoBundle: { source: props.snippetDir ?? 'build/snippet', destination: SNIPPET_BUNDLE_DIR },
    }).function;

    const leads = httpApi.v1.addResource('sites').addResource('{siteId}').addResource('leads');
    const lead = leads.addResource('{leadId}');
    const integration = httpApi.integration(this.function);
    const protectedMethod = (
      resource: apigateway.IResource,
      httpMethod: string,
      requestParameters: Record<string, boolean>,
    ): apigateway.Method =>
      resource.addMethod(httpMethod, integration, {
        authorizer: this.authorizer,
        authorizationType: apigateway.AuthorizationType.CUSTOM,
        requestValidator: httpApi.requestValidator,
        requestParameters,
      });

    const siteParam = { 'method.request.path.siteId': true };
    const leadParams = { ...siteParam, 'method.request.path.leadId': true };
    const listQuery = Object.fromEntries(
      ['since', 'until', 'country', 'limit', 'cursor'].map((name) => [`method.request.querystring.${name}`, false]),
    );
    const site = leads.parentResource as apigateway.IResource;
    const subjectQuery = Object.fromEntries(
      ['ip', 'from', 'to', 'userAgent'].map((name) => [`method.request.querystring.${name}`, name !== 'userAgent']),
    );
    const pageQuery = Object.fromEntries(['limit', 'cursor'].map((name) => [`method.request.querystring.${name}`, false]));
    const methods = [
      protectedMethod(leads, 'GET', { ...siteParam, ...listQuery }),
      protectedMethod(lead, 'GET', leadParams),
      protectedMethod(lead, 'DELETE', leadParams),
      protectedMethod(site.addResource('erasure-requests'), 'POST', siteParam),
      protectedMethod(site.addResource('access-requests'), 'GET', { ...siteParam, ...subjectQuery }),
      protectedMethod(site.addResource('audit'), 'GET', { ...siteParam, ...pageQuery }),
    ];
    for (const method of methods) {
      Validations.of(method).acknowledge({
        id: 'AwsSolutions-COG4',
        reason:
          'Callers are servers holding an API key, not Cognito users; the Lambda token authoriser checks the key (hashed lookup, expiry, revocation) instead.',
      });
    }
  }
}
