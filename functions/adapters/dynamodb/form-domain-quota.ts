import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keys, toEpochSeconds } from '../../contracts/table';
import { utcDay } from '../../domain/privacy/pseudonym';

/**
 * At most `perDay` distinct domains typed into forms may name organisations from one truncated network and site a
 * day, so one home connection cannot fill a site's leads with made-up companies. The day's domains are one small
 * item (a string set), written only for form-domain requests; claiming a domain again is free, which also makes a
 * redelivered message harmless.
 */
export class FormDomainQuota {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly perDay: number,
  ) {}

  /** Whether `domain` may name an organisation from `network` on the day of `at`. */
  async claim(siteId: string, network: string, domain: string, at: Date): Promise<boolean> {
    if (this.perDay === 0) return false;
    const day = utcDay(at);
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: keys.formQuota(siteId, day, network),
          UpdateExpression: 'ADD #domains :domain SET expiresAt = :expires',
          ConditionExpression: 'attribute_not_exists(#domains) OR contains(#domains, :one) OR size(#domains) < :limit',
          ExpressionAttributeNames: { '#domains': 'domains' },
          ExpressionAttributeValues: {
            ':domain': new Set([domain]),
            ':one': domain,
            ':limit': this.perDay,
            // Kept a day past its day: long enough for redeliveries, no longer.
            ':expires': toEpochSeconds(new Date(`${day}T00:00:00Z`)) + 2 * 86_400,
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
