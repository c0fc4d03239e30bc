import { Duration, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import type { Retention } from '../../functions/shared/config';
import type { HttpApi } from './http-api';
import { bindTable, EirleadFunction } from './lambda-function';

export interface LeadsApiProps {
  /** The REST API the routes are added to (below `/v1`). */
  readonly httpApi: HttpApi;
  readonly table: dynamodb.ITableV2;
  readonly retention: Retention;
  /**
   * How long API Gateway caches the authoriser's answer for a token. A revoked key keeps working for at most
   * this long; `Duration.seconds(0)` turns caching off.
   * @default Duration.minutes(5)
   */
  readonly authorizerCacheTtl?: Duration;
}

/**
 * The leads API: list, read and erase leads per site, behind an API-key token authoriser, and the public
 * OpenAPI document. Per-site and per-scope checks happen in the leads function with the authoriser's context,
 * because one cached authoriser answer covers every route the key calls.
 */
export class LeadsApi extends Construct {
  public readonly function: NodejsFunction;
  public readonly authorizerFunction: NodejsFunction;
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
      environment: { RETENTION: JSON.stringify(props.retention) },
    }).function;
    // Read and erase leads, and write the audit record of every read and erasure.
    bindTable(this.function, props.table, 'readWrite');

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
    const methods = [
      protectedMethod(leads, 'GET', { ...siteParam, ...listQuery }),
      protectedMethod(lead, 'GET', leadParams),
      protectedMethod(lead, 'DELETE', leadParams),
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
