import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { AlertRule, EndpointKind, PayloadField } from '../../contracts/api/alerts';
import { keys, toEpochSeconds } from '../../contracts/table';
import type { SealedSecret } from '../kms/secret-box';
import { queryAll } from './query';

/**
 * A site's alert rules and endpoints, in one partition so the alerts function reads them with one Query per site
 * and stream batch. Endpoint URLs and signing secrets are stored sealed (adapters/kms/secret-box.ts), bound to
 * their site and endpoint; only their last four characters are stored in clear. Configuration expires like every
 * item, `CONFIG_DAYS` after its last change.
 */
export const CONFIG_DAYS = 1825;
export const MAX_RULES_PER_SITE = 50;
export const MAX_ENDPOINTS_PER_SITE = 20;

export interface StoredSigningSecret {
  readonly sealed: SealedSecret;
  readonly lastFour: string;
  /** Epoch seconds; absent for the current secret. */
  readonly expiresAt?: number;
}

export interface StoredEndpoint {
  readonly endpointId: string;
  readonly kind: EndpointKind;
  readonly name: string;
  readonly status: 'active' | 'disabled';
  readonly disabledReason?: string;
  readonly host?: string;
  readonly urlLastFour?: string;
  readonly sealedUrl?: SealedSecret;
  /** Webhook signing secrets, newest first. */
  readonly secrets?: readonly StoredSigningSecret[];
  readonly to?: readonly string[];
  readonly mode?: 'immediate' | 'daily-digest';
  readonly fields?: readonly PayloadField[];
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface SiteAlertConfig {
  readonly rules: AlertRule[];
  readonly endpoints: StoredEndpoint[];
}

/** What binds a sealed secret to its place: a copy under another site or endpoint does not open. */
export const secretBinding = (siteId: string, endpointId: string, what: 'url' | 'secret'): string => `alerts/${siteId}/${endpointId}/${what}`;

const strip = <T>(item: Record<string, unknown>): T => {
  const { pk: _pk, sk: _sk, expiresAt: _expiresAt, ...rest } = item;
  return rest as T;
};

export class AlertConfigStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async siteConfig(siteId: string): Promise<SiteAlertConfig> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      FilterExpression: 'expiresAt > :now',
      ExpressionAttributeValues: { ':pk': keys.alertConfigPartition(siteId), ':now': toEpochSeconds(this.clock()) },
    });
    const of = (prefix: string) => items.filter((item) => typeof item.sk === 'string' && item.sk.startsWith(prefix));
    return {
      rules: of('RULE#').map((item) => strip<AlertRule>(item)).sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
      endpoints: of('ENDPOINT#').map((item) => strip<StoredEndpoint>(item)).sort((a, b) => a.createdAt.localeCompare(b.createdAt)),
    };
  }

  /** Creates (`mustExist` false) or replaces a rule; false when a replaced rule does not exist. */
  async putRule(siteId: string, rule: AlertRule, mustExist: boolean): Promise<boolean> {
    return this.put(keys.alertRule(siteId, rule.ruleId), rule, mustExist);
  }

  async putEndpoint(siteId: string, endpoint: StoredEndpoint, mustExist: boolean): Promise<boolean> {
    return this.put(keys.alertEndpoint(siteId, endpoint.endpointId), endpoint, mustExist);
  }

  async getEndpoint(siteId: string, endpointId: string): Promise<StoredEndpoint | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: keys.alertEndpoint(siteId, endpointId) }));
    return Item && (Item.expiresAt as number) > toEpochSeconds(this.clock()) ? strip<StoredEndpoint>(Item) : undefined;
  }

  deleteRule(siteId: string, ruleId: string): Promise<boolean> {
    return this.delete(keys.alertRule(siteId, ruleId));
  }

  deleteEndpoint(siteId: string, endpointId: string): Promise<boolean> {
    return this.delete(keys.alertEndpoint(siteId, endpointId));
  }

  /** Stops sending to an endpoint (a receiver answered 410 Gone); saving it again enables it. */
  async disableEndpoint(siteId: string, endpointId: string, reason: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.alertEndpoint(siteId, endpointId),
          UpdateExpression: 'SET #status = :disabled, disabledReason = :reason, updatedAt = :now',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':disabled': 'disabled', ':reason': reason, ':now': this.clock().toISOString() },
        }),
      );
    } catch (error) {
      // Deleted meanwhile: nothing left to disable.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  private async put(key: { pk: string; sk: string }, value: object, mustExist: boolean): Promise<boolean> {
    const now = this.clock();
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...key, ...value, expiresAt: toEpochSeconds(now) + CONFIG_DAYS * 86_400 },
          ConditionExpression: mustExist ? 'attribute_exists(pk) AND expiresAt > :now' : 'attribute_not_exists(pk) OR expiresAt <= :now',
          ExpressionAttributeValues: { ':now': toEpochSeconds(now) },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  private async delete(key: { pk: string; sk: string }): Promise<boolean> {
    try {
      await this.doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: key,
          ConditionExpression: 'attribute_exists(pk) AND expiresAt > :now',
          ExpressionAttributeValues: { ':now': toEpochSeconds(this.clock()) },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
