import { Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { API_KEYS_INDEX_PARTITION, keys } from '../../functions/contracts/table';
import { grantKeyViaService } from './key-access';

/**
 * Item-level least privilege on the single table: each function may use only the actions it needs, and only on the
 * partitions it owns, through the condition `ForAllValues:StringLike` on `dynamodb:LeadingKeys`.
 *
 * What the AWS documentation says, and what follows from it here:
 * - `dynamodb:LeadingKeys` is the table's partition key (DynamoDB Developer Guide, "Using IAM policy conditions for
 *   fine-grained access control"); it is multivalued (a batch names many keys), which is why `ForAllValues` is
 *   required: every key in the request must match one of the patterns. The guide's own examples put GetItem, Query,
 *   PutItem, UpdateItem, DeleteItem, BatchGetItem and BatchWriteItem under one such condition.
 * - `ForAllValues` is TRUE when the request carries no value for the key (IAM User Guide, "condition set
 *   operators"). An action that names no partition key, such as Scan, would pass any LeadingKeys condition; no
 *   function is granted one (the item actions below are a closed list) and the IAM test asserts no function may Scan.
 * - TransactWriteItems is not an IAM action of its own: each Put, Update, Delete and ConditionCheck in a
 *   transaction is authorised as PutItem, UpdateItem, DeleteItem and ConditionCheckItem ("Using IAM with DynamoDB
 *   transactions"), so the same LeadingKeys statements govern every item of a transaction.
 * - BatchWriteItem is one IAM action for both its puts and its deletes: whoever may BatchWriteItem on a partition
 *   may delete in it too. IAM cannot tell them apart, so the partitions are the limit.
 * - A Query on a global secondary index names the index's partition key (gsi1pk), not the table's, and the guide
 *   does not say which value LeadingKeys holds there. Index queries therefore get a statement of their own,
 *   limited to the one index's ARN (no `index/*`) and carrying the index partition patterns: if DynamoDB fills
 *   LeadingKeys with the index partition key, the patterns hold (the leads API cannot list `APIKEYS`); if it
 *   fills none, the statement still allows Query on that one index only, whose entries are lead summaries and API
 *   key metadata (never salts, cursor keys, audit records or visit parts).
 *
 * The local runtime does not enforce IAM: a pattern that is too narrow fails only on AWS. The patterns are
 * therefore built from the contract's key builders (functions/contracts/table.ts), so a key layout change moves
 * them too, and test/infra/iam.test.ts checks each function against the keys it uses.
 */

/** Partition patterns of the table design (IAM `StringLike`: `*` matches any characters, `#` included). */
export const PARTITIONS = {
  /** A lead and its visit parts: `SITE#{site}#LEAD#{leadId}`. */
  lead: keys.leadPartition('*', '*'),
  /** Everything of a site on the table: its leads, visit parts and audit records (`SITE#{site}#…`). */
  site: `${keys.siteLeads('*')}`,
  /** Daily salts: `SALT#{yyyy-mm-dd}`. */
  salt: keys.salt('*').pk,
  /** API keys by hash: `APIKEY#{sha256}`. */
  apiKey: keys.apiKey('*').pk,
  /** The organisations a site hid: `SITE#{site}#HIDDEN`. */
  hidden: keys.hiddenPartition('*'),
  /** The typed domains counted per network and day: `SITE#{site}#FORMS`. */
  formQuota: keys.formQuota('*', '', '').pk,
  /** Monthly cursor-signing keys, `KEY#cursor#{yyyy-mm}`, which the leads API creates and reads. */
  cursorKey: keys.cursorKey('*').pk,
  /** The first answer to a POST with an `Idempotency-Key`: `SITE#{site}#IDEMPOTENCY#{hash}`. */
  idempotency: keys.idempotency('*', '*').pk,
  /** Export jobs, `SITE#{site}#EXPORT#{id}`, which the leads API creates and the export function runs. */
  exportJob: keys.exportJob('*', '*').pk,
  /** Dashboard sessions, `SESSION#{sha256}`: created and deleted by the dashboard, read by the authoriser. */
  session: keys.session('*').pk,
  /** Sign-ins waiting for their TOTP step, `SIGNIN#{sha256}`. */
  pendingSignIn: keys.pendingSignIn('*').pk,
  /** A site's saved views, `SITE#{site}#VIEWS`. */
  views: keys.viewsPartition('*'),
  /** A site's lead tags and assignments, `SITE#{site}#NOTES`. */
  annotations: keys.annotationsPartition('*'),
  /** A site's audit trail: `SITE#{site}#AUDIT`. */
  audit: keys.auditPartition('*'),
  /** A site's alert rules and endpoints: `SITE#{site}#ALERTS`. */
  alertConfig: keys.alertConfigPartition('*'),
  /** Which rule fired for which lead, until its cool-down ends: `SITE#{site}#ALERTS#FIRED`. */
  alertFired: keys.alertFired('*', '', '').pk,
  /** An endpoint's delivery log: `SITE#{site}#ALERTS#LOG#{endpointId}`. */
  alertLog: keys.deliveryLog('*', '*'),
  /** What a daily-digest endpoint collects: `SITE#{site}#ALERTS#DIGEST#{endpointId}`. */
  alertDigest: keys.digestEntries('*', '*'),
  /** When each endpoint's next send slot is free: `SITE#{site}#ALERTS#PACE`. */
  alertPacing: keys.alertPacing('*', '').pk,
  /** Which CRM account each matched or linked lead shows: `SITE#{site}#CRMLINK`. */
  crmLink: keys.crmLinkPartition('*'),
} as const;

/** Index partitions of `leadsByLastSeen`: a site's leads (`SITE#{site}`); the API keys' `APIKEYS` is not one. */
export const INDEX_PARTITIONS = {
  siteLeads: keys.siteLeads('*'),
  /** The API keys' own index partition: only the dashboard (key management over HTTP) queries it. */
  apiKeys: API_KEYS_INDEX_PARTITION,
} as const;

/** Item actions a function may be granted. No Scan, no PartiQL: they name no partition key (see above). */
export type ItemAction = 'GetItem' | 'BatchGetItem' | 'Query' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'BatchWriteItem' | 'ConditionCheckItem';

const READ_ACTIONS: ReadonlySet<ItemAction> = new Set(['GetItem', 'BatchGetItem', 'Query', 'ConditionCheckItem']);

export interface PartitionGrant {
  readonly actions: readonly ItemAction[];
  /** LeadingKeys patterns, from `PARTITIONS`. */
  readonly partitions: readonly string[];
}

export interface TableAccess {
  /** What the function may do to items, partition by partition. */
  readonly items: readonly PartitionGrant[];
  /**
   * Query on one global secondary index, in these index partitions.
   * @default - no index access
   */
  readonly indexQuery?: { readonly indexName: string; readonly partitions: readonly string[] };
}

/** What DynamoDB needs from the table's customer-managed key for a reader, and for a writer (as CDK's table grants). */
const KEY_ACTIONS_READ = ['kms:Decrypt', 'kms:DescribeKey'];
const KEY_ACTIONS_WRITE = [...KEY_ACTIONS_READ, 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'];

/**
 * Grants `fn` exactly `access` on `table`, and DynamoDB the use of the table's key on its behalf. `TABLE_NAME` is
 * part of the function's environment contract; the parity test checks every such function holds a grant here.
 */
export function grantTableAccess(fn: lambda.Function, table: dynamodb.ITableV2, access: TableAccess): void {
  if (access.items.length === 0 && !access.indexQuery) throw new Error('grantTableAccess: grant at least one action');
  for (const grant of access.items) {
    if (grant.actions.length === 0 || grant.partitions.length === 0) {
      throw new Error('grantTableAccess: every grant needs actions and partitions');
    }
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: grant.actions.map((action) => `dynamodb:${action}`),
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...grant.partitions] } },
      }),
    );
  }
  if (access.indexQuery) {
    const { indexName, partitions } = access.indexQuery;
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:Query'],
        resources: [`${table.tableArn}/index/${indexName}`],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...partitions] } },
      }),
    );
  }

  const key = table.encryptionKey;
  if (!key) return;
  const writes = access.items.some((grant) => grant.actions.some((action) => !READ_ACTIONS.has(action)));
  grantKeyViaService(key, fn, 'dynamodb', writes ? KEY_ACTIONS_WRITE : KEY_ACTIONS_READ);
  if (writes) acknowledgeKeyActionWildcards(fn);
}

function acknowledgeKeyActionWildcards(fn: lambda.Function): void {
  const policy = fn.role?.node.tryFindChild('DefaultPolicy');
  if (!policy) return;
  for (const action of ['kms:GenerateDataKey*', 'kms:ReEncrypt*']) {
    Validations.of(policy).acknowledge({
      id: `AwsSolutions-IAM5[Action::${action}]`,
      reason:
        'What DynamoDB needs from a table writer\'s key (as CDK grants it), on the one project key, and only through DynamoDB in this region (kms:ViaService); the function cannot call KMS with it itself.',
    });
  }
}
