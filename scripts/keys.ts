import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { ApiKeyStore, ApiScopeSchema, generateApiKey } from '../functions/shared/api-keys';
import { DEFAULT_RETENTION, SiteIdSchema } from '../functions/shared/config';

/**
 * Creates an API key for a deployed stack with the caller's AWS credentials:
 *   npm run keys -- create --table <TableName output> --site demo --scope leads:read,leads:erase [--days 365]
 * The key is printed once and stored only as a hash. Listing and revoking keys is not built yet.
 */
const ArgsSchema = z.object({
  command: z.literal('create', { error: 'the only command so far is `create`' }),
  table: z.string().min(3, 'pass --table, the TableName output of the stack'),
  site: z.array(z.union([SiteIdSchema, z.literal('*')])).min(1, 'pass --site at least once'),
  scope: z.array(ApiScopeSchema).min(1),
  days: z.coerce.number().int().min(1).max(3650),
  endpoint: z.url().optional(),
});

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      table: { type: 'string', default: '' },
      site: { type: 'string', multiple: true, default: [] },
      scope: { type: 'string', default: 'leads:read' },
      days: { type: 'string', default: String(DEFAULT_RETENTION.apiKeyDays) },
      endpoint: { type: 'string' },
    },
  });
  const parsed = ArgsSchema.safeParse({ ...values, command: positionals[0], scope: values.scope.split(',') });
  if (!parsed.success) {
    console.error(`keys: ${z.prettifyError(parsed.error)}`);
    process.exit(2);
  }
  const args = parsed.data;
  const client = new DynamoDBClient({ region: 'eu-west-1', ...(args.endpoint ? { endpoint: args.endpoint } : {}) });
  const store = new ApiKeyStore(DynamoDBDocumentClient.from(client), args.table);
  const apiKey = generateApiKey();
  const grant = await store.create(apiKey, { sites: args.site, scopes: args.scope }, args.days);
  console.log(JSON.stringify({ apiKey, ...grant, validForDays: args.days }, null, 2));
}

await main();
