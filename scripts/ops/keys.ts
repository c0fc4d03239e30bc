import { parseArgs } from 'node:util';
import * as z from 'zod';
import { ApiScopeSchema } from '../../functions/contracts/api/api-keys';
import { DEFAULT_RETENTION, SiteIdSchema } from '../../functions/contracts/deployment-config';
import { dynamoDbDocumentClient } from '../../functions/adapters/aws-clients';
import { ApiKeyStore } from '../../functions/adapters/dynamodb/api-key-store';
import { LOCAL_CREDENTIALS } from '../../local/emulators';

/**
 * API keys, with the caller's AWS credentials (or against the local runtime with --endpoint):
 *   npm run keys -- create --table <TableName> --site demo --scope leads:read,leads:erase [--days 365]
 *   npm run keys -- list   --table <TableName>
 *   npm run keys -- revoke --table <TableName> --key-id <keyId>
 * A new key is printed once and stored only as a hash. `--endpoint http://127.0.0.1:PORT` and
 * `--table eirlead` address the local runtime's DynamoDB Local (its banner prints both).
 */
const Common = {
  table: z.string().min(3, 'pass --table, the TableName output of the stack'),
  endpoint: z.url().optional(),
};
const ArgsSchema = z.discriminatedUnion('command', [
  z.object({
    command: z.literal('create'),
    ...Common,
    site: z.array(z.union([SiteIdSchema, z.literal('*')])).min(1, 'pass --site at least once'),
    scope: z.array(ApiScopeSchema).min(1),
    days: z.coerce.number().int().min(1).max(3650),
  }),
  z.object({ command: z.literal('list'), ...Common }),
  z.object({ command: z.literal('revoke'), ...Common, keyId: z.string().min(1, 'pass --key-id') }),
], { error: 'the command must be create, list or revoke' });

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      table: { type: 'string', default: '' },
      site: { type: 'string', multiple: true, default: [] },
      scope: { type: 'string', default: 'leads:read' },
      days: { type: 'string', default: String(DEFAULT_RETENTION.apiKeyDays) },
      endpoint: { type: 'string' },
      'key-id': { type: 'string', default: '' },
    },
  });
  const parsed = ArgsSchema.safeParse({ ...values, keyId: values['key-id'], command: positionals[0], scope: values.scope.split(',') });
  if (!parsed.success) {
    console.error(`keys: ${z.prettifyError(parsed.error)}`);
    process.exit(2);
  }
  const args = parsed.data;
  // Pinned to eu-west-1 like the functions' clients; --endpoint points it at the local runtime's DynamoDB Local.
  const client = dynamoDbDocumentClient(args.endpoint ? { endpoint: args.endpoint, credentials: LOCAL_CREDENTIALS } : {});
  const store = new ApiKeyStore(client, args.table);
  switch (args.command) {
    case 'create': {
      const apiKey = ApiKeyStore.newKey();
      const grant = await store.create(apiKey, { sites: args.site, scopes: args.scope }, args.days);
      console.log(JSON.stringify({ apiKey, ...grant, validForDays: args.days }, null, 2));
      break;
    }
    case 'list':
      console.log(JSON.stringify(await store.list(), null, 2));
      break;
    case 'revoke':
      if (!(await store.revoke(args.keyId))) {
        console.error(`keys: no key ${args.keyId}`);
        process.exit(1);
      }
      console.log(`revoked ${args.keyId}; the authoriser refuses it once its 5-minute cache has expired`);
      break;
  }
}

await main();
