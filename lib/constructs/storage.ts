import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { LEAD_INDEX, TABLE_KEYS, TABLE_STREAM_VIEW_TYPE, TTL_ATTRIBUTE } from '../../functions/contracts/table';

export interface StorageProps {
  /** Customer-managed key the table is encrypted with. */
  readonly encryptionKey: kms.IKey;
  /**
   * PITR recovery period in days (1–35): how long deleted or expired personal data stays restorable.
   * @default 7
   */
  readonly backupRecoveryDays?: number;
  /**
   * What happens to the table when the stack is deleted. TTL keeps expiring items on a retained table,
   * so retaining it does not keep personal data past its retention.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The single table (key design in functions/contracts/table.ts). Every item carries the TTL attribute, so
 * retention is enforced by the table itself rather than by a clean-up job that could stop running.
 */
export class Storage extends Construct {
  public readonly table: dynamodb.TableV2;

  constructor(scope: Construct, id: string, props: StorageProps) {
    super(scope, id);
    const recoveryPeriodInDays = props.backupRecoveryDays ?? 7;
    if (!Number.isInteger(recoveryPeriodInDays) || recoveryPeriodInDays < 1 || recoveryPeriodInDays > 35) {
      throw new Error(`Storage: backupRecoveryDays must be an integer from 1 to 35, got ${recoveryPeriodInDays}`);
    }

    this.table = new dynamodb.TableV2(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: dynamodb.AttributeType.STRING },
      // Traffic follows page views, which are spiky and often near zero at night: pay per request.
      billing: dynamodb.Billing.onDemand(),
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(props.encryptionKey),
      timeToLiveAttribute: TTL_ATTRIBUTE,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true, recoveryPeriodInDays },
      globalSecondaryIndexes: [
        {
          indexName: LEAD_INDEX.indexName,
          partitionKey: { name: LEAD_INDEX.partitionKey, type: dynamodb.AttributeType.STRING },
          sortKey: { name: LEAD_INDEX.sortKey, type: dynamodb.AttributeType.STRING },
          // Only what the index's readers use (see LEAD_INDEX_ATTRIBUTES): every lead write moves the lead in the
          // index, billed by the size of the entry. The local runtime reads the same definition (local/resources.ts).
          projectionType: dynamodb.ProjectionType.INCLUDE,
          nonKeyAttributes: [...LEAD_INDEX.nonKeyAttributes],
        },
      ],
      // Lead changes for the alerts function (lib/constructs/alerts.ts); Lambda reads a DynamoDB stream at no charge.
      dynamoStream: dynamodb.StreamViewType[TABLE_STREAM_VIEW_TYPE],
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
  }
}
