/** The DynamoDB JSON requests as far as the meter reads them: which items a write touches, and Query/Scan replays. */
import type { Item, KeyNames } from '../capacity-units';

export const PREFIX = 'DynamoDB_20120810.';

export type Json = Record<string, unknown>;
export type KeyList = { Keys?: Item[]; ConsistentRead?: boolean };

/** One item-level write, as far as the meter needs it. */
export interface ItemWrite {
  readonly table: string;
  readonly key: Item;
  /** A ConditionCheck of a transaction: charged, but writes nothing. */
  readonly check: boolean;
}

export interface BatchWriteRequest {
  PutRequest?: { Item: Item };
  DeleteRequest?: { Key: Item };
}

interface TransactWriteAction {
  Put?: { TableName: string; Item: Item };
  Update?: { TableName: string; Key: Item };
  Delete?: { TableName: string; Key: Item };
  ConditionCheck?: { TableName: string; Key: Item };
}

export type KeysOf = (table: string) => Promise<KeyNames>;

export async function plannedWrites(operation: string, body: Json, keysOf: KeysOf): Promise<ItemWrite[]> {
  const keyOf = async (table: string, item: Item) => pickKey(await keysOf(table), item);
  switch (operation) {
    case 'PutItem': {
      const table = body.TableName as string;
      return [{ table, key: await keyOf(table, body.Item as Item), check: false }];
    }
    case 'UpdateItem':
    case 'DeleteItem':
      return [{ table: body.TableName as string, key: body.Key as Item, check: false }];
    case 'BatchWriteItem':
      return batchWrites((body.RequestItems ?? {}) as Record<string, BatchWriteRequest[]>, keysOf);
    default: {
      const actions = (body.TransactItems ?? []) as TransactWriteAction[];
      return Promise.all(
        actions.map(async (action) => {
          if (action.Put) {
            return { table: action.Put.TableName, key: await keyOf(action.Put.TableName, action.Put.Item), check: false };
          }
          const keyed = (action.Update ?? action.Delete ?? action.ConditionCheck)!;
          return { table: keyed.TableName, key: keyed.Key, check: action.ConditionCheck !== undefined };
        }),
      );
    }
  }
}

/** The item writes of a BatchWriteItem request, or of the unprocessed part of its response. */
export function batchWrites(requests: Record<string, BatchWriteRequest[]>, keysOf: KeysOf): Promise<ItemWrite[]> {
  return Promise.all(
    Object.entries(requests).flatMap(([table, writes]) =>
      writes.map(async (write) => ({
        table,
        key: write.PutRequest ? pickKey(await keysOf(table), write.PutRequest.Item) : (write.DeleteRequest?.Key ?? {}),
        check: false,
      })),
    ),
  );
}

function pickKey(keys: KeyNames, item: Item): Item {
  const names = keys.sortKey ? [keys.partitionKey, keys.sortKey] : [keys.partitionKey];
  return Object.fromEntries(names.flatMap((name) => (item[name] ? [[name, item[name]]] : [])));
}

/** Identifies an item across the meter; key values are scalars, so sorted JSON is canonical. */
export function lockKey(table: string, key: Item): string {
  return `${table}\u0000${JSON.stringify(Object.entries(key).sort(([a], [b]) => a.localeCompare(b)))}`;
}

/** Parameters that change what a Query/Scan returns but not what it reads. */
const HIDING = ['FilterExpression', 'QueryFilter', 'ScanFilter', 'ProjectionExpression', 'AttributesToGet'];
const NOT_READ_AFFECTING = [...HIDING, 'ConditionalOperator', 'Select', 'ReturnConsumedCapacity'];

/**
 * The same Query/Scan without what hides items or attributes, or undefined when the original already returned
 * everything it read. Placeholders only the removed expressions used are dropped: DynamoDB rejects unused ones.
 */
export function beforeFilter(body: Json): Json | undefined {
  const select = body.Select;
  const hidesSomething =
    HIDING.some((name) => body[name] !== undefined) ||
    (select !== undefined && select !== 'ALL_ATTRIBUTES' && select !== 'ALL_PROJECTED_ATTRIBUTES');
  if (!hidesSomething) return undefined;
  const replay: Json = Object.fromEntries(Object.entries(body).filter(([name]) => !NOT_READ_AFFECTING.includes(name)));
  replay.Select = typeof body.IndexName === 'string' ? 'ALL_PROJECTED_ATTRIBUTES' : 'ALL_ATTRIBUTES';
  const remaining = typeof body.KeyConditionExpression === 'string' ? body.KeyConditionExpression : '';
  for (const field of ['ExpressionAttributeNames', 'ExpressionAttributeValues']) {
    const placeholders = body[field] as Record<string, unknown> | undefined;
    if (!placeholders) continue;
    const used = Object.entries(placeholders).filter(([placeholder]) => usesPlaceholder(remaining, placeholder));
    if (used.length > 0) replay[field] = Object.fromEntries(used);
    else delete replay[field];
  }
  return replay;
}

/** `#a` is used in `#a = :v` but not in `#ab = :v`; placeholder names are letters, digits and underscores. */
const usesPlaceholder = (expression: string, placeholder: string): boolean =>
  new RegExp(`${placeholder}(?![A-Za-z0-9_])`).test(expression);
