/**
 * What other forms of the lead item would cost, estimated on the lead writes one benchmark run recorded:
 *
 *   npm run bench -- --record-writes /tmp/writes.jsonl
 *   npx tsx scripts/bench/lead-item-estimate.ts /tmp/writes.jsonl
 *
 * Each recorded lead write (the item before and after, as DynamoDB stored it) is re-encoded in the candidate form and
 * priced by DynamoDB's rules (capacity-units.ts: the larger of before and after, per started KB). The index writes
 * are left as recorded: no form below changes what the index projects or when. An estimate, not a measurement: the
 * same writes in another form, not another run; docs/cost.md says what each form would cost in code and guarantees.
 */
import { readFileSync } from 'node:fs';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { leadItemFrom } from '../../functions/adapters/dynamodb/lead-item';
import { currentLead } from '../../functions/domain/leads/listing';
import { DEDUP_KEY_LENGTH } from '../../functions/domain/leads/model';
import { openVisits, packOpenVisits } from '../../functions/domain/leads/open-visits';
import { packChanges } from '../../functions/domain/leads/packed-changes';
import { type AttributeValue, type Item, writeUnits } from './capacity-units';
import type { RecordedWrite } from './dynamodb-meter';

type Form = (item: Item) => Item;

/** A binary attribute as bytes: recordings hold it as base64 text. */
const bytesOf = (value: string | Uint8Array): Uint8Array => (typeof value === 'string' ? Buffer.from(value, 'base64') : value);

const mapOf = (value: AttributeValue | undefined): Readonly<Record<string, AttributeValue>> => value?.M ?? {};

/**
 * The lead as two items: the listed figures (what the index projects, with the keys) and the enrichment's own state
 * (open visits, the changes since listing, the alert fields, the version). The second is written on every batch;
 * the first only when the listing is refreshed (a new lead, a new listed `lastSeenAt`, organisation, match or location).
 */
const LISTED = new Set(['organisation', 'match', 'location', 'gsi1pk', 'gsi1sk', 'pageCounts', 'firstSeenAt', 'siteId', 'leadId', 'organisationClass', 'lastSeenAt', 'visits', 'pageviews', 'engagedMs']);
const KEYS_AND_EXPIRY = new Set(['pk', 'sk', 'expiresAt']);
const listedPart: Form = (item) => Object.fromEntries(Object.entries(item).filter(([name]) => LISTED.has(name) || KEYS_AND_EXPIRY.has(name)));
const statePart: Form = (item) => Object.fromEntries(Object.entries(item).filter(([name]) => !LISTED.has(name)));
const refreshed = (write: RecordedWrite): boolean => !write.before || write.before.gsi1sk?.S !== write.after.gsi1sk?.S || JSON.stringify(write.before.match) !== JSON.stringify(write.after.match);

const unitsAs = (write: RecordedWrite, form: Form): number => writeUnits({ ...(write.before ? { before: form(write.before) } : {}), after: form(write.after) });

/**
 * The state holding the lead's full current figures instead of its changes since listing: exact whichever listing
 * it is read with, as a state written before a delayed refresh must be (docs/cost.md).
 */
const FIGURES = ['firstSeenAt', 'lastSeenAt', 'visits', 'pageviews', 'engagedMs', 'pageCounts'] as const;
const stateWithCurrentFigures: Form = (item) => {
  const asRecorded = Object.fromEntries([...FIGURES, 'pk', 'gsi1sk', 'match', 'recent', 'changes'].flatMap((name) => (item[name] ? [[name, item[name]]] : [])));
  const asStored = unmarshall({ ...asRecorded, ...(item.changes?.B !== undefined ? { changes: { B: bytesOf(item.changes.B) } } : {}) } as never);
  const current = currentLead(leadItemFrom(asStored));
  const { recent: _recent, changes: _changes, ...state } = statePart(item);
  const lastPaths = current.lastPaths ? packChanges({ lastPaths: current.lastPaths }) : undefined;
  return { ...state, ...(marshall(Object.fromEntries(FIGURES.map((name) => [name, current[name]]))) as Item), ...(lastPaths ? { changes: { B: lastPaths } } : {}) };
};

/** Units of the state item (`stateOf` the recorded item) on every write, and of the listed item on refreshes. */
function splitUnits(write: RecordedWrite, stateOf: Form): number {
  return unitsAs(write, stateOf) + (refreshed(write) ? unitsAs(write, listedPart) : 0);
}

/**
 * Open visits without their event keys but the first (from which the visit id is derived), in the form the item
 * holds them: packed (`open`) or, in recordings made before the packed form, a map (`activeVisits`).
 */
const withoutEventKeys: Form = (item) => {
  if (item.open?.B !== undefined) {
    const packed = bytesOf(item.open.B);
    const visits = Object.entries(openVisits({ open: packed })).map(([key, visit]) => [key, { ...visit, keys: visit.keys.slice(0, DEDUP_KEY_LENGTH) }]);
    return { ...item, open: { B: packOpenVisits(Object.fromEntries(visits)) } };
  }
  if (!item.activeVisits) return item;
  const visits = Object.entries(mapOf(item.activeVisits)).map(([key, visit]) => {
    const { k: _k, keys: _keys, ...rest } = mapOf(visit);
    return [key, { M: rest }];
  });
  return { ...item, activeVisits: { M: Object.fromEntries(visits) } };
};

/**
 * The other place event keys could live: one item per visit, rewritten with each request (its pages and
 * engagement so far, and so the keys of its events), instead of one small item per request. The lead would keep
 * only how many events of each open visit it has counted. Priced on the recorded visit parts, merged by visit in
 * the order they were written; returns the visit items' units and the visit parts' units as written.
 */
function perVisitItemUnits(writes: readonly RecordedWrite[]): { perVisit: number; asWritten: number } {
  const visits = new Map<string, Item>();
  let perVisit = 0;
  let asWritten = 0;
  for (const { after } of writes.filter((write) => write.kind === 'VISIT')) {
    asWritten += writeUnits({ after });
    const [, visitId] = after.sk?.S?.split('#') ?? [];
    const id = `${after.pk?.S}#${visitId}`;
    const before = visits.get(id);
    const merged: Item = before
      ? { ...before, pages: { M: { ...mapOf(before.pages), ...mapOf(after.pages) } }, engagement: { M: { ...mapOf(before.engagement), ...mapOf(after.engagement) } } }
      : { ...after, sk: { S: `VISIT#${visitId}` } };
    perVisit += writeUnits({ ...(before ? { before } : {}), after: merged });
    visits.set(id, merged);
  }
  return { perVisit, asWritten };
}

function main(): void {
  const file = process.argv[2];
  if (!file) throw new Error('Name the file `npm run bench -- --record-writes <file>` wrote');
  const writes = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as RecordedWrite);
  const leads = writes.filter((write) => write.kind === 'LEAD');
  const asWritten = leads.reduce((sum, write) => sum + unitsAs(write, (item) => item), 0);
  const forms: ReadonlyArray<readonly [string, (write: RecordedWrite) => number]> = [
    ['as written', (write) => unitsAs(write, (item) => item)],
    ['two items: listed figures apart from the enrichment state', (write) => splitUnits(write, statePart)],
    ['two items, the state with the full current figures', (write) => splitUnits(write, stateWithCurrentFigures)],
  ];
  console.log(`${leads.length} lead writes of ${writes.length} item writes; ${leads.filter(refreshed).length} of them refreshed the listing`);
  console.log('| form of the lead item | lead write units | change |');
  console.log('|---|---|---|');
  for (const [name, units] of forms) {
    const total = leads.reduce((sum, write) => sum + units(write), 0);
    console.log(`| ${name} | ${total} | ${(((total - asWritten) / asWritten) * 100).toFixed(1)} % |`);
  }
  const visitItems = perVisitItemUnits(writes);
  const leadsWithoutKeys = leads.reduce((sum, write) => sum + unitsAs(write, withoutEventKeys), 0);
  const before = asWritten + visitItems.asWritten;
  const after = leadsWithoutKeys + visitItems.perVisit;
  console.log(`\nEvent keys on one item per visit instead of the lead: lead units ${asWritten} -> ${leadsWithoutKeys}, visit units ${visitItems.asWritten} -> ${visitItems.perVisit}; both ${before} -> ${after} (${(((after - before) / before) * 100).toFixed(1)} %)`);
}

main();
