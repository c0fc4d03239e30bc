/**
 * The single table's key design. Every item has `expiresAt` (epoch seconds), the table's TTL attribute.
 *
 * | item        | pk                         | sk                      | gsi1pk (byLastSeen) | gsi1sk              |
 * |-------------|----------------------------|-------------------------|---------------------|---------------------|
 * | lead        | SITE#{site}#LEAD#{leadId}  | LEAD                    | SITE#{site}         | {lastSeenAt}#{lead} |
 * | visit       | SITE#{site}#LEAD#{leadId}  | VISIT#{visitId}         |                     |                     |
 * | daily salt  | SALT#{yyyy-mm-dd}          | SALT                    |                     |                     |
 * | API key     | APIKEY#{sha256(key)}       | APIKEY                  |                     |                     |
 * | audit       | SITE#{site}#AUDIT          | {at}#{uuid}             |                     |                     |
 */
export const TTL_ATTRIBUTE = 'expiresAt';
export const LEADS_BY_LAST_SEEN_INDEX = 'byLastSeen';

export const keys = {
  lead: (siteId: string, leadId: string) => ({ pk: `SITE#${siteId}#LEAD#${leadId}`, sk: 'LEAD' }),
  leadPartition: (siteId: string, leadId: string) => `SITE#${siteId}#LEAD#${leadId}`,
  visit: (siteId: string, leadId: string, visitId: string) => ({
    pk: `SITE#${siteId}#LEAD#${leadId}`,
    sk: `VISIT#${visitId}`,
  }),
  leadIndex: (siteId: string, lastSeenAt: string, leadId: string) => ({
    gsi1pk: `SITE#${siteId}`,
    gsi1sk: `${lastSeenAt}#${leadId}`,
  }),
  siteLeads: (siteId: string) => `SITE#${siteId}`,
  salt: (day: string) => ({ pk: `SALT#${day}`, sk: 'SALT' }),
  apiKey: (keyHash: string) => ({ pk: `APIKEY#${keyHash}`, sk: 'APIKEY' }),
  auditPartition: (siteId: string) => `SITE#${siteId}#AUDIT`,
} as const;

export const toEpochSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);
export const nowEpochSeconds = (): number => toEpochSeconds(new Date());
