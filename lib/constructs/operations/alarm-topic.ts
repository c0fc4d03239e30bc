import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';

export interface AlarmTopicOptions {
  readonly encryptionKey: kms.IKey;
  /** @default - no subscription */
  readonly alarmEmail?: string;
}

/**
 * The topic every alarm notifies. It is created directly in `scope` (the Operations construct) with the id
 * `AlarmTopic`, never in a construct of its own: its logical id must stay as deployed, because a replaced
 * topic would lose every subscription operators made to it.
 */
export function createAlarmTopic(scope: Construct, options: AlarmTopicOptions): sns.Topic {
  const topic = new sns.Topic(scope, 'AlarmTopic', {
    displayName: `Eirlead alarms (${Stack.of(scope).stackName})`,
    masterKey: options.encryptionKey,
    enforceSSL: true,
  });
  grantAlarmsPublish(topic, options.encryptionKey);
  if (options.alarmEmail !== undefined) {
    const subscription = topic.addSubscription(new subscriptions.EmailSubscription(options.alarmEmail));
    Validations.of(subscription).acknowledge({
      id: 'Serverless-SNSRedrivePolicy',
      reason:
        'An alarm notification that could not be mailed is not worth a queue nobody watches: the alarm state and its history stay in CloudWatch, and the alarm notifies again when it returns to OK or fires anew.',
    });
  }
  return topic;
}

/**
 * CloudWatch publishes alarm notifications as its service principal, so it needs the topic's permission and,
 * for an encrypted topic, the key's. Both are limited to alarms of this account and region (confused deputy).
 */
function grantAlarmsPublish(topic: sns.Topic, key: kms.IKey): void {
  const stack = Stack.of(topic);
  const alarmArns = stack.formatArn({
    service: 'cloudwatch',
    resource: 'alarm',
    resourceName: '*',
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
  const conditions = {
    StringEquals: { 'aws:SourceAccount': stack.account },
    ArnLike: { 'aws:SourceArn': alarmArns },
  };
  const cloudWatch = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
  topic.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'AllowCloudWatchAlarms',
      principals: [cloudWatch],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions,
    }),
  );
  key.grant(cloudWatch.withConditions(conditions), 'kms:Decrypt', 'kms:GenerateDataKey*');
}
