import type * as kms from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { SNIPPET_FILE_NAME } from '../../functions/contracts/functions';
import { bundledDataPath, EirleadFunction } from './lambda-function';

export interface SnippetProps {
  /** The project key: encrypts the function's log group. */
  readonly encryptionKey: kms.IKey;
  /**
   * Retention of the function's log group, in days.
   * @default 30
   */
  readonly logRetentionDays?: number;
  /**
   * Where the snippet it serves sends events (the ingest function URL's `v1/events`); a script tag's
   * `data-endpoint` still wins.
   * @default - `events` next to the script's own URL
   */
  readonly eventsUrl?: string;
}

/**
 * The function that serves the tracking snippet (`GET /v1/snippet.js`), built by `npm run build:snippet` and
 * copied into its bundle. It needs no table, and the key only for its log group. Its route is added by the stack next
 * to `POST /v1/events`, on whichever API serves the public routes; the snippet posts to `eventsUrl` when given (the
 * ingest function URL), otherwise to `events` next to its own URL.
 */
export class Snippet extends Construct {
  public readonly function: NodejsFunction;

  constructor(scope: Construct, id: string, props: SnippetProps) {
    super(scope, id);
    this.function = new EirleadFunction(this, 'Function', {
      name: 'snippet',
      encryptionKey: props.encryptionKey,
      // Public and unauthenticated, but it only returns a file held in memory (a few milliseconds) that browsers
      // cache for an hour: 5 instances serve far more than the API's stage limit, and a flood of snippet requests
      // cannot take the account's concurrency from ingest.
      invocation: { type: 'sync' },
      concurrency: { reserved: 5 },
      ...(props.logRetentionDays === undefined ? {} : { logRetentionDays: props.logRetentionDays }),
      environment: {
        SNIPPET_FILE: `${bundledDataPath('snippet')}/${SNIPPET_FILE_NAME}`,
        ...(props.eventsUrl === undefined ? {} : { EVENTS_URL: props.eventsUrl }),
      },
    }).function;
  }
}
