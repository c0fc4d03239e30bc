import { RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export interface EncryptionProps {
  /**
   * Alias of the project key; must start with `alias/` and must not use the AWS-reserved `alias/aws/`.
   * @default 'alias/eirlead'
   */
  readonly alias?: string;
  /**
   * What happens to the key when the stack is deleted. Deleting the key makes every backup, queue message and
   * stored salt unreadable at once, so it must be a deliberate act, not a side effect of `cdk destroy`.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** The one customer-managed key that encrypts the table, the queues and the daily salts. */
export class Encryption extends Construct {
  public readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: EncryptionProps = {}) {
    super(scope, id);
    const alias = props.alias ?? 'alias/eirlead';
    if (!/^alias\/[a-zA-Z0-9/_-]{1,250}$/.test(alias) || alias.startsWith('alias/aws/')) {
      throw new Error(`Encryption: alias must look like alias/name and not start with alias/aws/, got ${alias}`);
    }

    this.key = new kms.Key(this, 'Key', {
      alias,
      description: 'Eirlead: encrypts visitor data at rest (table, queues, daily pseudonym salts)',
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
  }
}
