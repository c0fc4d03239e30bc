import { type DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';

export type Item = Record<string, unknown>;

/** Every page of a Query, one after the other: DynamoDB answers at most 1 MB at a time. */
export async function* queryPages(doc: DynamoDBDocumentClient, input: QueryCommandInput): AsyncGenerator<Item[]> {
  let startKey: Item | undefined;
  do {
    const page = await doc.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
    yield page.Items ?? [];
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}

export async function queryAll(doc: DynamoDBDocumentClient, input: QueryCommandInput): Promise<Item[]> {
  const items: Item[] = [];
  for await (const page of queryPages(doc, input)) items.push(...page);
  return items;
}

/** One page of at most `limit` items, and the key to continue after its last item when there may be more. */
export interface Page {
  readonly items: Item[];
  readonly lastKey?: Item;
}

/**
 * A page of a filtered Query. DynamoDB applies filters after its `Limit`, so this keeps reading until the page is
 * full or the partition ends; the key to continue is the last returned item's key (`keyNames`), not DynamoDB's.
 */
export async function queryPage(
  doc: DynamoDBDocumentClient,
  input: QueryCommandInput,
  limit: number,
  keyNames: readonly string[],
  startKey?: Item,
  /** Items to leave out, for conditions no FilterExpression can say (a site's hidden organisations). */
  keep: (item: Item) => boolean = () => true,
): Promise<Page> {
  const items: Item[] = [];
  let next = startKey;
  let exhausted = false;
  while (items.length < limit) {
    const page = await doc.send(new QueryCommand({ ...input, Limit: limit - items.length + 1, ExclusiveStartKey: next }));
    items.push(...(page.Items ?? []).filter(keep));
    next = page.LastEvaluatedKey;
    if (!next) {
      exhausted = true;
      break;
    }
  }
  const pageItems = items.slice(0, limit);
  const last = pageItems[pageItems.length - 1];
  const more = items.length > limit || !exhausted;
  return { items: pageItems, ...(more && last ? { lastKey: Object.fromEntries(keyNames.map((name) => [name, last[name]])) } : {}) };
}
