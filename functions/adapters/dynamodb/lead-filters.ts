import type { QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { LeadFilters } from '../../contracts/api/leads';
import { keys, LEADS_BY_LAST_SEEN_INDEX } from '../../contracts/table';

/**
 * The Query of a site's leads, newest `lastSeenAt` first, with the list's filters: the time window is the index's
 * sort key; every other filter is a FilterExpression over attributes the index projects (`location`, `match`,
 * `visits`, `pageviews`, `pageCounts`, `expiresAt`), so the filters add nothing to the index entry. DynamoDB reads
 * (and bills) the entries a filter drops; the leads list and exports share this one Query.
 */
export function leadQuery(tableName: string, siteId: string, filters: LeadFilters, nowEpochSeconds: number): QueryCommandInput {
  const names: Record<string, string> = { '#expiresAt': 'expiresAt' };
  const values: Record<string, unknown> = { ':site': keys.siteLeads(siteId), ':now': nowEpochSeconds };
  let keyCondition = 'gsi1pk = :site';
  const since = filters.since ? new Date(filters.since).toISOString() : undefined;
  const until = filters.until ? new Date(filters.until).toISOString() : undefined;
  if (since && until) {
    keyCondition += ' AND gsi1sk BETWEEN :since AND :until';
    Object.assign(values, { ':since': since, ':until': until });
  } else if (since) {
    keyCondition += ' AND gsi1sk >= :since';
    values[':since'] = since;
  } else if (until) {
    keyCondition += ' AND gsi1sk < :until';
    values[':until'] = until;
  }
  const conditions = ['#expiresAt > :now'];
  const filter = (condition: string, attributeNames: Record<string, string>, value?: [string, unknown]) => {
    conditions.push(condition);
    Object.assign(names, attributeNames);
    if (value) values[value[0]] = value[1];
  };
  if (filters.country) filter('#location.country = :country', { '#location': 'location' }, [':country', filters.country]);
  if (filters.class) filter('#match.#class = :class', { '#match': 'match', '#class': 'class' }, [':class', filters.class]);
  if (filters.confidence) filter('#match.confidence = :confidence', { '#match': 'match' }, [':confidence', filters.confidence]);
  if (filters.minVisits !== undefined) filter('#visits >= :minVisits', { '#visits': 'visits' }, [':minVisits', filters.minVisits]);
  if (filters.minPageviews !== undefined) filter('#pageviews >= :minPageviews', { '#pageviews': 'pageviews' }, [':minPageviews', filters.minPageviews]);
  // A path is a key of the lead's `pageCounts` map (its most viewed paths); an attribute name may hold any characters.
  if (filters.path) filter('attribute_exists(#pageCounts.#path)', { '#pageCounts': 'pageCounts', '#path': filters.path });
  return {
    TableName: tableName,
    IndexName: LEADS_BY_LAST_SEEN_INDEX,
    KeyConditionExpression: keyCondition,
    FilterExpression: conditions.join(' AND '),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    ScanIndexForward: false,
  };
}
