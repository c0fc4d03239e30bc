import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
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

/** The one customer-managed key that encrypts the table, the queues, the log groups and the daily salts. */
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
      description: 'Eirlead: encrypts visitor data at rest (table, queues, log groups, daily pseudonym salts)',
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    allowCloudWatchLogs(this.key);
  }
}

/**
 * CloudWatch Logs encrypts a log group's data with the key as its own regional service principal, not as the
 * writer, so the key policy (not the functions' roles) must allow it (CloudWatch Logs User Guide, "Encrypt log
 * data in CloudWatch Logs using AWS KMS"). It passes the log group's ARN as encryption context
 * (`aws:logs:arn`), and the condition holds the principal to log groups of this account in this region.
 *
 * Not narrower, to this stack's log groups: their ARNs cannot appear here, since each log group refers to the key
 * (a dependency cycle), and matching the names CloudFormation generates for them (`<stack>-<logical id>-<random>`)
 * relies on a naming scheme CloudFormation does not promise; naming them instead would replace the deployed log
 * groups. What the wider pattern allows is that CloudWatch Logs encrypts another log group of this account with
 * this key if someone associates it; the context binding keeps it from decrypting anything but log data.
 *
 * Creation order: the statement is part of the key's own policy (AWS::KMS::Key KeyPolicy), and every log group
 * names the key's ARN, so CloudFormation creates or updates the key, with this statement, before any log group
 * that uses it; on an update of a deployed stack the key policy changes before the log groups are associated.
 */
function allowCloudWatchLogs(key: kms.Key): void {
  const stack = Stack.of(key);
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchLogsOfThisAccountAndRegion',
      principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: {
        ArnLike: {
          'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
            service: 'logs',
            resource: 'log-group',
            resourceName: '*',
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        },
      },
    }),
  );
}
