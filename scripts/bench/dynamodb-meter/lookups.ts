/** The meter's own calls to DynamoDB Local: table schemas (cached) and the current image of an item. */
import type { IncomingHttpHeaders } from 'node:http';
import type { IndexSchema, Item, KeyNames, Projection } from '../capacity-units';
import type { Upstream } from '../metering-proxy';
import { PREFIX, type Json } from './requests';

export interface TableSchema {
  readonly keys: KeyNames;
  readonly indexes: readonly IndexSchema[];
}

export class MeterLookups {
  private readonly schemas = new Map<string, Promise<TableSchema>>();

  /** A getter: the proxy whose upstream carries these calls is started with the handler that makes them. */
  constructor(private readonly upstream: () => Upstream) {}

  /** The meter's own calls, straight to DynamoDB Local under the caller's identity; a failure is a metering error. */
  async call(target: string, payload: Json, headers: IncomingHttpHeaders): Promise<Json> {
    const { status, json } = await this.upstream().callJson(PREFIX + target, payload, headers);
    if (status !== 200) throw new Error(`meter ${target} failed with ${status}: ${JSON.stringify(json)}`);
    return json;
  }

  schemaOf(table: string, headers: IncomingHttpHeaders): Promise<TableSchema> {
    let schema = this.schemas.get(table);
    if (!schema) {
      schema = this.call('DescribeTable', { TableName: table }, headers).then((json) => parseSchema(json));
      // A failed lookup must not stick: the next request tries again.
      schema.catch(() => this.schemas.delete(table));
      this.schemas.set(table, schema);
    }
    return schema;
  }

  forgetSchema(table: string): void {
    this.schemas.delete(table);
  }

  async currentItem(table: string, key: Item, headers: IncomingHttpHeaders): Promise<Item | undefined> {
    const json = await this.call('GetItem', { TableName: table, Key: key, ConsistentRead: true }, headers);
    return json.Item as Item | undefined;
  }
}

function parseSchema(json: Json): TableSchema {
  interface KeyElement {
    AttributeName: string;
    KeyType: 'HASH' | 'RANGE';
  }
  interface IndexDescription {
    IndexName: string;
    KeySchema: KeyElement[];
    Projection?: { ProjectionType?: string; NonKeyAttributes?: string[] };
  }
  const table = json.Table as {
    KeySchema: KeyElement[];
    GlobalSecondaryIndexes?: IndexDescription[];
    LocalSecondaryIndexes?: IndexDescription[];
  };
  const keyNames = (elements: KeyElement[]): KeyNames => {
    const partitionKey = elements.find((element) => element.KeyType === 'HASH')?.AttributeName;
    if (!partitionKey) throw new Error('DescribeTable returned a key schema without a partition key');
    const sortKey = elements.find((element) => element.KeyType === 'RANGE')?.AttributeName;
    return sortKey ? { partitionKey, sortKey } : { partitionKey };
  };
  const keys = keyNames(table.KeySchema);
  const projection = (description: IndexDescription['Projection']): Projection => {
    if (description?.ProjectionType === 'KEYS_ONLY') return { type: 'KEYS_ONLY' };
    if (description?.ProjectionType === 'INCLUDE') return { type: 'INCLUDE', attributes: description.NonKeyAttributes ?? [] };
    return { type: 'ALL' };
  };
  const indexes = [...(table.GlobalSecondaryIndexes ?? []), ...(table.LocalSecondaryIndexes ?? [])].map(
    (index): IndexSchema => ({
      name: index.IndexName,
      ...keyNames(index.KeySchema),
      projection: projection(index.Projection),
      tableKeys: keys,
    }),
  );
  return { keys, indexes };
}
