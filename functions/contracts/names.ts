/**
 * Names and limits that more than one process uses: the CDK app, the functions, the local runtime and the
 * scripts all read them from here.
 */

/** The one region Eirlead runs in: visitor data stays in the EU region the design was reviewed for. */
export const REGION = 'eu-west-1';

/** CloudWatch namespace of the functions' own metrics (recorded and dropped events). */
export const METRIC_NAMESPACE = 'Eirlead';

/** Receives of a queued request before SQS moves it to the dead-letter queue (on AWS and locally). */
export const MAX_RECEIVE_COUNT = 5;

/**
 * The snippet function's one variable: the path of the built script. Named here, apart from the function table, so
 * the snippet function can read it without loading zod (its bundle stays about 25 KB instead of 460 KB).
 */
export const SNIPPET_FILE_VARIABLE = 'SNIPPET_FILE';
/**
 * How far the leads list may trail a lead: its entry (order key `lastSeenAt` and the figures shown) is rewritten
 * when the lead's own `lastSeenAt` is this many minutes past the listed one (functions/domain/leads/listing.ts), so
 * that most lead writes cost no index write. The promise in the OpenAPI document is worded from it.
 */
export const LIST_REFRESH_MINUTES = 10;
/** Where the served snippet sends events, when not `events` next to it (the ingest function URL's `v1/events`). */
export const EVENTS_URL_VARIABLE = 'EVENTS_URL';
/** The text in the built snippet that the snippet function replaces with `EVENTS_URL` (snippet/eirlead.ts). */
export const EVENTS_URL_PLACEHOLDER = '__EIRLEAD_EVENTS_URL__';

/**
 * The purposes the project KMS key is used for directly, each the `purpose` encryption context of its calls: a
 * ciphertext decrypts only under its own purpose, and IAM grants each function only the purposes it needs
 * (`kms:EncryptionContext:purpose`, lib/constructs/key-access.ts).
 */
export const KEY_PURPOSES = {
  dailySalt: 'eirlead-daily-salt',
  cursorKey: 'eirlead-cursor-key',
  /** Customer integration secrets: CRM credentials, webhook secrets, Slack and Teams URLs (adapters/kms/secret-box.ts). */
  integrationSecret: 'eirlead-integration-secret',
} as const;
export type KeyPurpose = (typeof KEY_PURPOSES)[keyof typeof KEY_PURPOSES];
