/** What the meter counts, and the bookkeeping that adds a request's units to it. */

export interface OperationTotals {
  readonly requests: number;
  readonly writeUnits: number;
  readonly indexWriteUnits: number;
  readonly readUnits: number;
}

export interface DynamoDbMeterTotals {
  /** Per DynamoDB operation as the client sent it. */
  readonly byOperation: Readonly<Record<string, OperationTotals>>;
  /** Item-level writes: each put, update, delete or condition check, also inside batches and transactions. */
  readonly writeRequests: number;
  /** Reads: each GetItem, each key of a BatchGetItem, each Query or Scan page. */
  readonly readRequests: number;
  /** Write request units of the tables. */
  readonly writeUnits: number;
  /** Write request units of the secondary indexes; billed on top of `writeUnits`. */
  readonly indexWriteUnits: number;
  /** Per index, as `table/index`. */
  readonly indexWriteUnitsByIndex: Readonly<Record<string, number>>;
  /** Read request units, tables and indexes together. */
  readonly readUnits: number;
  /** Read request units per read target: the table name, or `table/index`. */
  readonly readUnitsByTarget: Readonly<Record<string, number>>;
  readonly consistentReads: number;
  readonly conditionalCheckFailures: number;
  readonly cancelledTransactions: number;
  readonly filterReplayMismatches: number;
  readonly unmeteredRequests: number;
  /**
   * Bytes written per item kind (the sort key up to its first `#`: `LEAD`, `VISIT`, …) and top-level attribute,
   * summed over every put or update: what the write units of each kind of item are spent on.
   */
  readonly writtenBytesByAttribute: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Metering failures: the requests went through, but the figures above miss them. A benchmark should refuse to report. */
  readonly errors: readonly string[];
}

export interface MutableOperationTotals {
  requests: number;
  writeUnits: number;
  indexWriteUnits: number;
  readUnits: number;
}

/** What the meter accumulates; handed out as a copy typed as the read-only totals. */
interface MeterState {
  byOperation: Record<string, MutableOperationTotals>;
  writeRequests: number;
  readRequests: number;
  writeUnits: number;
  indexWriteUnits: number;
  indexWriteUnitsByIndex: Record<string, number>;
  readUnits: number;
  readUnitsByTarget: Record<string, number>;
  consistentReads: number;
  conditionalCheckFailures: number;
  cancelledTransactions: number;
  filterReplayMismatches: number;
  unmeteredRequests: number;
  writtenBytesByAttribute: Record<string, Record<string, number>>;
  errors: string[];
}

function emptyTotals(): MeterState {
  return {
    byOperation: {},
    writeRequests: 0,
    readRequests: 0,
    writeUnits: 0,
    indexWriteUnits: 0,
    indexWriteUnitsByIndex: {},
    readUnits: 0,
    readUnitsByTarget: {},
    consistentReads: 0,
    conditionalCheckFailures: 0,
    cancelledTransactions: 0,
    filterReplayMismatches: 0,
    unmeteredRequests: 0,
    writtenBytesByAttribute: {},
    errors: [],
  };
}

/** The plain counters of the totals. */
type Counter = {
  [K in keyof MeterState]: MeterState[K] extends number ? K : never;
}[keyof MeterState];

export class MeterAccounts {
  private state = emptyTotals();

  totals(): DynamoDbMeterTotals {
    return structuredClone(this.state);
  }

  reset(): void {
    this.state = emptyTotals();
  }

  count(counter: Counter): void {
    this.state[counter] += 1;
  }

  error(error: unknown): void {
    this.state.errors.push(error instanceof Error ? error.message : String(error));
  }

  tally(operation: string): MutableOperationTotals {
    return (this.state.byOperation[operation] ??= { requests: 0, writeUnits: 0, indexWriteUnits: 0, readUnits: 0 });
  }

  addWrite(operation: string, units: number, indexUnits: number, perIndex: readonly (readonly [string, number])[]): void {
    const totals = this.state;
    const ofOperation = this.tally(operation);
    ofOperation.writeUnits += units;
    ofOperation.indexWriteUnits += indexUnits;
    totals.writeUnits += units;
    totals.indexWriteUnits += indexUnits;
    for (const [name, indexUnitsOfOne] of perIndex) {
      totals.indexWriteUnitsByIndex[name] = (totals.indexWriteUnitsByIndex[name] ?? 0) + indexUnitsOfOne;
    }
  }

  addWrittenItem(kind: string, bytesByAttribute: Readonly<Record<string, number>>): void {
    const ofKind = (this.state.writtenBytesByAttribute[kind] ??= {});
    for (const [name, bytes] of Object.entries(bytesByAttribute)) ofKind[name] = (ofKind[name] ?? 0) + bytes;
  }

  addRead(operation: string, target: string, units: number, consistent: boolean, reads: number): void {
    const totals = this.state;
    this.tally(operation).readUnits += units;
    totals.readUnits += units;
    totals.readUnitsByTarget[target] = (totals.readUnitsByTarget[target] ?? 0) + units;
    totals.readRequests += reads;
    if (consistent) totals.consistentReads += reads;
  }
}
