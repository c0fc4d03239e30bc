/**
 * The single table's key design. Every item has `expiresAt` (epoch seconds), the table's TTL attribute.
 *
 * | item        | pk                         | sk                      | gsi1pk (index)      | gsi1sk              |
 * |-------------|----------------------------|-------------------------|---------------------|---------------------|
 * | lead        | SITE#{site}#LEAD#{leadId}  | LEAD                    | SITE#{site}         | {lastSeenAt}#{lead} |
 * | visit part  | SITE#{site}#LEAD#{leadId}  | VISIT#{visitId}#{part}  |                     |                     |
 * | daily salt  | SALT#{yyyy-mm-dd}          | SALT                    |                     |                     |
 * | API key     | APIKEY#{sha256(key)}       | APIKEY                  | APIKEYS             | {createdAt}#{keyId} |
 * | audit       | SITE#{site}#AUDIT          | {at}#{uuid}             |                     |                     |
 * | cursor key  | KEY#cursor#{yyyy-mm}       | KEY                     |                     |                     |
 * | hidden org. | SITE#{site}#HIDDEN         | {hiddenId}              |                     |                     |
 * | form quota  | SITE#{site}#FORMS          | {yyyy-mm-dd}#{network}  |                     |                     |
 * | export job  | SITE#{site}#EXPORT#{id}    | EXPORT                  |                     |                     |
 * | idempotency | SITE#{site}#IDEMPOTENCY#{h}| IDEMPOTENCY             |                     |                     |
 * | alert rule  | SITE#{site}#ALERTS         | RULE#{ruleId}           |                     |                     |
 * | alert end-  | SITE#{site}#ALERTS         | ENDPOINT#{endpointId}   |                     |                     |
 * |  point      |                            |                         |                     |                     |
 * | fired claim | SITE#{site}#ALERTS#FIRED   | {ruleId}#{leadId}       |                     |                     |
 * | delivery    | SITE#{site}#ALERTS#LOG#{endpointId} | {deliveryId}   |                     |                     |
 * | digest entry| SITE#{site}#ALERTS#DIGEST#{endpointId} | {day}#{deliveryId} |               |                     |
 * | send pacing | SITE#{site}#ALERTS#PACE    | {endpointId}            |                     |                     |
 * | activity    | SITE#{site}#LEAD#{leadId}  | ALERTS#ACTIVITY         |                     |                     |
 * | CRM connection, status, cursor | SITE#{site}#CRM | CONNECTION, STATUS, CURSOR |                 |                     |
 * | CRM manual link, push record | SITE#{site}#CRM | MANUAL#{leadId}, PUSH#{leadId} |                 |                     |
 * | CRM link of a lead | SITE#{site}#CRMLINK     | {leadId}                |                     |                     |
 * | CRM account (copy) | SITE#{site}#CRMACCT#{shard} | {accountId}         |                     |                     |
 * | session     | SESSION#{sha256(token)}    | SESSION                 |                     |                     |
 * | sign-in     | SIGNIN#{sha256(token)}     | SIGNIN                  |                     |                     |
 * | saved view  | SITE#{site}#VIEWS          | {viewId}                |                     |                     |
 * | annotation  | SITE#{site}#NOTES          | {leadId}                |                     |                     |
 */
export const TTL_ATTRIBUTE = 'expiresAt';

/** The table's keys, both strings: CDK (lib/constructs/storage.ts) and the local runtime (local/resources.ts) build it from here. */
export const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' } as const;

/**
 * The one global secondary index (gsi1pk, gsi1sk): a site's leads by `lastSeenAt`, and the API keys by creation.
 *
 * Its projection is INCLUDE (below). CloudFormation cannot change a GSI's projection in place, only replace the
 * index under a new name, so a change to the projection needs a new index name.
 */
export const LEADS_BY_LAST_SEEN_INDEX = 'leadsByLastSeen';
/** The index partition that lists API keys (gsi1pk of every key item). */
export const API_KEYS_INDEX_PARTITION = 'APIKEYS';

/**
 * The non-key attributes the index holds (INCLUDE projection; the table and index keys come with every entry).
 * Every lead write moves the lead in the index (`gsi1sk` changes), billed as a delete and a put of the entry, so
 * the entry holds only what the index's readers use. Not projected: the lead's `open` visits (visitor
 * pseudonyms, visit ids and event keys, the bulk of the item; `activeVisits` on items written before) and
 * `version`; readers that need them read the lead item itself (data-subject.ts). test/unit/lead-index.test.ts
 * fails if a reader needs more.
 */
export const LEAD_INDEX_ATTRIBUTES: readonly string[] = [
  // The leads list (LeadStore.listLeads → toLead, and its filters on `expiresAt` and `location.country`).
  'leadId',
  'siteId',
  'organisation',
  // Also what data-subject requests match the address against (`match.network`).
  'match',
  'location',
  'firstSeenAt',
  'lastSeenAt',
  'visits',
  'pageviews',
  'engagedMs',
  'pageCounts',
  // Every index reader filters out expired items (TTL deletes them only eventually).
  TTL_ATTRIBUTE,
  // API keys (ApiKeyStore.list and revoke); `expiresAt` above is theirs too.
  'keyId',
  'sites',
  'scopes',
  'createdAt',
  'revoked',
];

/** The index's keys (strings) and projection, as CDK and the local runtime create it. */
export const LEAD_INDEX = {
  indexName: LEADS_BY_LAST_SEEN_INDEX,
  partitionKey: 'gsi1pk',
  sortKey: 'gsi1sk',
  nonKeyAttributes: LEAD_INDEX_ATTRIBUTES,
} as const;

export const keys = {
  lead: (siteId: string, leadId: string) => ({ pk: `SITE#${siteId}#LEAD#${leadId}`, sk: 'LEAD' }),
  leadPartition: (siteId: string, leadId: string) => `SITE#${siteId}#LEAD#${leadId}`,
  /** One request's share of a visit (aggregate.ts `VisitPart`); a visit is the items under `VISIT#{visitId}#`. */
  visitPart: (siteId: string, leadId: string, visitId: string, partKey: string) => ({
    pk: `SITE#${siteId}#LEAD#${leadId}`,
    sk: `VISIT#${visitId}#${partKey}`,
  }),
  leadIndex: (siteId: string, lastSeenAt: string, leadId: string) => ({
    gsi1pk: `SITE#${siteId}`,
    gsi1sk: `${lastSeenAt}#${leadId}`,
  }),
  siteLeads: (siteId: string) => `SITE#${siteId}`,
  salt: (day: string) => ({ pk: `SALT#${day}`, sk: 'SALT' }),
  apiKey: (keyHash: string) => ({ pk: `APIKEY#${keyHash}`, sk: 'APIKEY' }),
  auditPartition: (siteId: string) => `SITE#${siteId}#AUDIT`,
  /** The organisations a site hid from its leads (`hiddenId` is a hash of what is hidden, so hiding is idempotent). */
  hiddenPartition: (siteId: string) => `SITE#${siteId}#HIDDEN`,
  /** The distinct form domains that named organisations from one network on one day. */
  formQuota: (siteId: string, day: string, network: string) => ({ pk: `SITE#${siteId}#FORMS`, sk: `${day}#${network}` }),
  /** An export job: what was asked, its status and where its file is (functions/adapters/dynamodb/export-jobs.ts). */
  exportJob: (siteId: string, exportId: string) => ({ pk: `SITE#${siteId}#EXPORT#${exportId}`, sk: 'EXPORT' }),
  /** The first answer to a POST with an `Idempotency-Key`; `hash` covers the API key, the operation and the header. */
  idempotency: (siteId: string, hash: string) => ({ pk: `SITE#${siteId}#IDEMPOTENCY#${hash}`, sk: 'IDEMPOTENCY' }),
  /** A month's key for signing page cursors, encrypted under the project key. */
  cursorKey: (month: string) => ({ pk: `KEY#cursor#${month}`, sk: 'KEY' }),
  /** A site's alert rules and endpoints, read together once per stream batch and site. */
  alertConfigPartition: (siteId: string) => `SITE#${siteId}#ALERTS`,
  alertRule: (siteId: string, ruleId: string) => ({ pk: `SITE#${siteId}#ALERTS`, sk: `RULE#${ruleId}` }),
  alertEndpoint: (siteId: string, endpointId: string) => ({ pk: `SITE#${siteId}#ALERTS`, sk: `ENDPOINT#${endpointId}` }),
  /** That a rule fired for a lead, until its cool-down ends: the claim that makes a rule fire once under redelivery. */
  alertFired: (siteId: string, ruleId: string, leadId: string) => ({ pk: `SITE#${siteId}#ALERTS#FIRED`, sk: `${ruleId}#${leadId}` }),
  /** An endpoint's delivery log, newest last by id (ids start with the time). */
  deliveryLog: (siteId: string, endpointId: string) => `SITE#${siteId}#ALERTS#LOG#${endpointId}`,
  delivery: (siteId: string, endpointId: string, deliveryId: string) => ({ pk: `SITE#${siteId}#ALERTS#LOG#${endpointId}`, sk: deliveryId }),
  /** What a daily-digest endpoint collects during a UTC day. */
  digestEntries: (siteId: string, endpointId: string) => `SITE#${siteId}#ALERTS#DIGEST#${endpointId}`,
  digestEntry: (siteId: string, endpointId: string, day: string, deliveryId: string) => ({
    pk: `SITE#${siteId}#ALERTS#DIGEST#${endpointId}`,
    sk: `${day}#${deliveryId}`,
  }),
  /** When an endpoint's next send slot is free (Slack's one message a second), across concurrent deliveries. */
  alertPacing: (siteId: string, endpointId: string) => ({ pk: `SITE#${siteId}#ALERTS#PACE`, sk: endpointId }),
  /** Hourly page-view and visit counts of a lead, kept only for sites with rules on activity in a window. */
  leadActivity: (siteId: string, leadId: string) => ({ pk: `SITE#${siteId}#LEAD#${leadId}`, sk: 'ALERTS#ACTIVITY' }),
  /**
   * A site's CRM connection (its sealed credentials and settings), its sync status and cursor, the leads linked or
   * unlinked by hand, and what was pushed per lead: everything of the connection but the copy and the links, in one
   * partition, so a disconnect finds it with one Query.
   */
  crmPartition: (siteId: string) => `SITE#${siteId}#CRM`,
  crmItem: (siteId: string, sk: 'CONNECTION' | 'STATUS' | 'CURSOR' | `MANUAL#${string}` | `PUSH#${string}`) => ({ pk: `SITE#${siteId}#CRM`, sk }),
  /** The CRM account each matched or linked lead shows: read by the leads list, a page of leads at a time. */
  crmLinkPartition: (siteId: string) => `SITE#${siteId}#CRMLINK`,
  crmLink: (siteId: string, leadId: string) => ({ pk: `SITE#${siteId}#CRMLINK`, sk: leadId }),
  /**
   * The synced copy of the CRM's accounts, spread over CRM_ACCOUNT_SHARDS partitions: a sync writes up to two
   * thousand accounts a second, more than one partition takes (1,000 write units a second).
   */
  crmAccountPartition: (siteId: string, shard: number) => `SITE#${siteId}#CRMACCT#${shard}`,
  crmAccount: (siteId: string, accountId: string) => ({ pk: `SITE#${siteId}#CRMACCT#${crmShardOf(accountId)}`, sk: accountId }),
  /** A person's dashboard session, by the hash of its cookie value (docs/dashboard.md). */
  session: (tokenHash: string) => ({ pk: `SESSION#${tokenHash}`, sk: 'SESSION' }),
  /** A sign-in between its password and its TOTP step, by the hash of its cookie value. */
  pendingSignIn: (tokenHash: string) => ({ pk: `SIGNIN#${tokenHash}`, sk: 'SIGNIN' }),
  /** A site's saved feed views. */
  viewsPartition: (siteId: string) => `SITE#${siteId}#VIEWS`,
  /** A site's lead tags and assignments, one item per lead. */
  annotationsPartition: (siteId: string) => `SITE#${siteId}#NOTES`,
} as const;

/** The sort key of a lead item: the alerts function's stream filter admits only these (functions.ts `tableStream`). */
export const LEAD_SORT_KEY = 'LEAD';

/**
 * What the keys of a lead item (`keys.lead`, `keys.leadIndex`) or of its index entry hold: the site, the lead and
 * the listed last-seen time. Undefined when they are not a lead's keys.
 */
export function leadKeyParts(pk: unknown, gsi1sk: unknown): { siteId: string; leadId: string; lastSeenAt: string } | undefined {
  const lead = typeof pk === 'string' ? /^SITE#([^#]+)#LEAD#([^#]+)$/.exec(pk) : null;
  const index = typeof gsi1sk === 'string' ? /^([^#]+)#([^#]+)$/.exec(gsi1sk) : null;
  if (!lead?.[1] || !lead[2] || !index?.[1] || index[2] !== lead[2]) return undefined;
  return { siteId: lead[1], leadId: lead[2], lastSeenAt: index[1] };
}

/**
 * The table's stream: both images, because a rule looks at what changed (the paths just viewed, a new visit, a
 * first sighting). Lambda reads a DynamoDB stream at no charge; CDK (lib/constructs/storage.ts) and the local
 * runtime (local/resources.ts) enable it from here.
 */
export const TABLE_STREAM_VIEW_TYPE = 'NEW_AND_OLD_IMAGES';

export const CRM_ACCOUNT_SHARDS = 16;

/** FNV-1a of the account id, so an account always lands in the same shard. */
export function crmShardOf(accountId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < accountId.length; i++) hash = Math.imul(hash ^ accountId.charCodeAt(i), 0x01000193) >>> 0;
  return hash % CRM_ACCOUNT_SHARDS;
}

export const toEpochSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);
export const nowEpochSeconds = (): number => toEpochSeconds(new Date());
