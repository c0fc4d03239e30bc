import { Duration } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import type { Retention } from '../../functions/contracts/deployment-config';
import { ROUTES } from '../../functions/contracts/routes';
import { LEADS_BY_LAST_SEEN_INDEX } from '../../functions/contracts/table';
import { KEY_PURPOSES } from '../../functions/contracts/names';
import { grantKeyForPurpose } from './key-access';
import { EirleadFunction } from './lambda-function';
import { grantTableAccess, INDEX_PARTITIONS, PARTITIONS } from './table-access';
import type { Exports } from './exports';
import type { RestApi } from './rest-api';

export interface LeadsApiProps {
  /** The REST API its routes are added to. */
  readonly restApi: RestApi;
  readonly table: dynamodb.ITableV2;
  /**
   * The project key: data-subject requests decrypt daily salts to recognise the subject's own visits, and page
   * cursors are signed with monthly keys wrapped by it.
   */
  readonly encryptionKey: kms.IKey;
  readonly retention: Retention;
  /** The export bucket and function: the leads API starts jobs and hands out download links. */
  readonly exports: Exports;
}

/**
 * The authoriser's result cache: none. It is one REQUEST authoriser for machines (`Authorization: Bearer` API key)
 * and people (the `__Host-` session cookie). API Gateway keys a REQUEST authoriser's cache on every identity source
 * and, while caching is on, answers 401 without calling the authoriser when one of them is missing; machines send no
 * cookie and browsers no Authorization header, so a cache keyed on both would refuse both, and one keyed on either
 * would refuse the other. With caching off the identity sources are optional and the authoriser sees every request:
 * sign-out and key revocation take effect at the next request (issue 17 asks for within a minute), at the price of
 * one 20-50 ms table read per API request (Lambda and an eventually consistent read: about $0.50 a million).
 */
export const AUTHORIZER_CACHE_TTL = Duration.seconds(0);

/**
 * The leads API: list, read and erase leads per site, answer data-subject requests and read the audit trail,
 * behind the REQUEST authoriser (an API key or a dashboard session), and the OpenAPI document an integrator fetches without a key. Its routes
 * are the route table's `leadsApi` routes. Per-site and per-scope checks happen in the leads function with the
 * authoriser's context, because one cached authoriser answer covers every route the key calls.
 */
export class LeadsApi extends Construct {
  public readonly function: NodejsFunction;
  public readonly authorizerFunction: NodejsFunction;
  public readonly authorizer: apigateway.RequestAuthorizer;

  constructor(scope: Construct, id: string, props: LeadsApiProps) {
    super(scope, id);
    const { table, retention } = props;

    this.authorizerFunction = new EirleadFunction(this, 'AuthorizerFunction', {
      name: 'authorizer',
      encryptionKey: props.encryptionKey,
      // Runs on every token API Gateway has not cached, so a flood of made-up keys reaches it: 10 instances (a
      // 20-50 ms lookup each, hundreds of checks a second) cap what such a flood can take from ingest.
      invocation: { type: 'sync' },
      concurrency: { reserved: 10 },
      logRetentionDays: retention.logRetentionDays,
      environment: { TABLE_NAME: table.tableName },
    }).function;
    // One lookup by key or session hash; it never sees leads, salts, the list of keys or pending sign-ins.
    grantTableAccess(this.authorizerFunction, table, { items: [{ actions: ['GetItem'], partitions: [PARTITIONS.apiKey, PARTITIONS.session] }] });

    this.function = new EirleadFunction(this, 'Function', {
      name: 'leadsApi',
      encryptionKey: props.encryptionKey,
      // Server-to-server calls from a customer's CRM sync, a few a minute; 10 instances serve 30-100 requests a
      // second, while a runaway integration (a loop of data-subject requests, each reading 14 days of salts) cannot
      // take the account's concurrency from ingest.
      invocation: { type: 'sync' },
      concurrency: { reserved: 10 },
      logRetentionDays: retention.logRetentionDays,
      environment: {
        TABLE_NAME: table.tableName,
        RETENTION: retention,
        KEY_ID: props.encryptionKey.keyId,
        EXPORT_BUCKET: props.exports.bucket.bucketName,
        EXPORT_FUNCTION: props.exports.function.functionName,
      },
    }).function;
    props.exports.grantStartAndDownload(this.function);
    grantTableAccess(this.function, table, {
      items: [
        // Read and erase leads and visit parts (deletes, batch deletes, erasure transactions), write and read the
        // audit record of every read and erasure, hide organisations, create and read export jobs, and keep
        // idempotent answers. Not the whole SITE#{site}#: the alert endpoints and CRM credentials live there too.
        {
          actions: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'DeleteItem', 'BatchWriteItem'],
          partitions: [PARTITIONS.lead, PARTITIONS.audit, PARTITIONS.hidden, PARTITIONS.exportJob, PARTITIONS.idempotency],
        },
        // A page of leads reads their CRM links at once; the list's CRM filter reads a site's links whole.
        { actions: ['GetItem', 'BatchGetItem', 'Query'], partitions: [PARTITIONS.crmLink] },
        // Data-subject requests read a past day's salt; they never create or delete one.
        { actions: ['GetItem'], partitions: [PARTITIONS.salt] },
        // The month's cursor-signing key: read, or created by the first request of the month.
        { actions: ['GetItem', 'PutItem'], partitions: [PARTITIONS.cursorKey] },
      ],
      // A site's leads by last visit; not the APIKEYS partition.
      indexQuery: { indexName: LEADS_BY_LAST_SEEN_INDEX, partitions: [INDEX_PARTITIONS.siteLeads] },
    });
    // Only Decrypt for salts: data-subject requests read existing salts and never create one.
    grantKeyForPurpose(props.encryptionKey, this.function, KEY_PURPOSES.dailySalt, ['kms:Decrypt']);
    // Cursor-signing keys: a new one each month, unwrapped on cold start.
    grantKeyForPurpose(props.encryptionKey, this.function, KEY_PURPOSES.cursorKey, ['kms:GenerateDataKey', 'kms:Decrypt']);

    // Construct id kept from the TOKEN authoriser it replaces. No identity source: see AUTHORIZER_CACHE_TTL.
    this.authorizer = new apigateway.RequestAuthorizer(this, 'Authorizer', {
      handler: this.authorizerFunction,
      identitySources: [],
      resultsCacheTtl: AUTHORIZER_CACHE_TTL,
    });
    (this.authorizer.node.defaultChild as apigateway.CfnAuthorizer).addPropertyDeletionOverride('IdentitySource');

    for (const route of ROUTES.filter((candidate) => candidate.function === 'leadsApi')) {
      props.restApi.addRoute(route, this.function, this.authorizer);
    }
  }
}
