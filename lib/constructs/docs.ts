import type * as kms from 'aws-cdk-lib/aws-kms';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Construct } from 'constructs';
import { ROUTES } from '../../functions/contracts/routes';
import { bundledDataPath, EirleadFunction } from './lambda-function';
import type { RestApi } from './rest-api';

export interface DocsProps {
  /** The REST API its routes (the route table's `docs` routes) are added to. */
  readonly restApi: RestApi;
  /** Encrypts the function's log group. */
  readonly encryptionKey: kms.IKey;
  /** @default 30 */
  readonly logRetentionDays?: number;
}

/** The API reference page at /docs: Redoc's standalone bundle, served by a small function, no CDN. */
export class Docs extends Construct {
  public readonly function: NodejsFunction;

  constructor(scope: Construct, id: string, props: DocsProps) {
    super(scope, id);
    this.function = new EirleadFunction(this, 'Function', {
      name: 'docs',
      encryptionKey: props.encryptionKey,
      // Read by integrators now and then, answered from memory: 2 instances are plenty, and a flood of page
      // loads cannot take concurrency from the API.
      invocation: { type: 'sync' },
      concurrency: { reserved: 2 },
      ...(props.logRetentionDays === undefined ? {} : { logRetentionDays: props.logRetentionDays }),
      environment: { DOCS_DIR: bundledDataPath('docs') },
    }).function;
    for (const route of ROUTES.filter((candidate) => candidate.function === 'docs')) props.restApi.addRoute(route, this.function);
  }
}
