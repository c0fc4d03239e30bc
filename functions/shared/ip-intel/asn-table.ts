import { ASN_FILE, FORMAT_VERSION, HEADER_BYTES, MAGIC, sectionOffsets } from './format';

/** What the range table knows about a queried network, before classification. */
export interface RangeHit {
  readonly asn: number;
  readonly name: string;
  /** Index of the organisation, stable for the life of the table (used to cache classifications). */
  readonly org: number;
  /** The largest range of the winning organisation that overlaps the query, as stored (IPv6: upper 64 bits). */
  readonly first: number | bigint;
  readonly last: number | bigint;
  /** The winning range contains the whole queried network. */
  readonly coversAll: boolean;
  /** Share of the queried network held by the winning organisation, 0..1. */
  readonly share: number;
  /** Distinct organisations holding parts of the queried network. */
  readonly organisations: number;
}

/** Ranges smaller than the query are rare (a /24 split into /25s); this bounds the work a huge query can cause. */
const MAX_RANGES_PER_QUERY = 4096;

export class ArtefactError extends Error {
  constructor(detail: string) {
    super(`IP data artefact ${detail}; run \`npm run build:ipdata\` to (re)build it`);
    this.name = 'ArtefactError';
  }
}

/**
 * Typed-array views over asn.bin (layout in format.ts). Nothing is parsed at load time; organisation names are
 * decoded from the name block only when a lookup returns them.
 */
export class AsnTable {
  private readonly v4Start: Uint32Array;
  private readonly v4End: Uint32Array;
  private readonly v4Org: Uint32Array;
  private readonly v6Start: BigUint64Array;
  private readonly v6End: BigUint64Array;
  private readonly v6Org: Uint32Array;
  private readonly orgAsn: Uint32Array;
  private readonly orgName: Uint32Array;
  private readonly names: Buffer;

  constructor(file: Buffer) {
    // Typed arrays use the platform's byte order; the artefact is written little-endian (x86 and Graviton both are).
    if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new ArtefactError('needs a little-endian CPU');
    if (file.length < HEADER_BYTES || file.toString('latin1', 0, MAGIC.length) !== MAGIC) {
      throw new ArtefactError(`${ASN_FILE} is not an Eirlead IP data file`);
    }
    // BigUint64Array views need 8-byte alignment; a Buffer from readFileSync of a large file normally starts at 0.
    const bytes = file.byteOffset % 8 === 0 ? file : Buffer.from(file);
    const [version = 0, v4Count = 0, v6Count = 0, orgCount = 0, nameBytes = 0] = new Uint32Array(
      bytes.buffer,
      bytes.byteOffset + MAGIC.length,
      5,
    );
    if (version !== FORMAT_VERSION) {
      throw new ArtefactError(`${ASN_FILE} has format version ${version}, this code reads ${FORMAT_VERSION}`);
    }
    const at = sectionOffsets({ v4Count, v6Count, orgCount, nameBytes });
    if (at.total !== bytes.length) throw new ArtefactError(`${ASN_FILE} is truncated or corrupt`);
    const u32 = (offset: number, n: number): Uint32Array => new Uint32Array(bytes.buffer, bytes.byteOffset + offset, n);
    const u64 = (offset: number, n: number): BigUint64Array =>
      new BigUint64Array(bytes.buffer, bytes.byteOffset + offset, n);
    this.v4Start = u32(at.v4Start, v4Count);
    this.v4End = u32(at.v4End, v4Count);
    this.v4Org = u32(at.v4Org, v4Count);
    this.v6Start = u64(at.v6Start, v6Count);
    this.v6End = u64(at.v6End, v6Count);
    this.v6Org = u32(at.v6Org, v6Count);
    this.orgAsn = u32(at.orgAsn, orgCount);
    this.orgName = u32(at.orgName, orgCount + 1);
    this.names = bytes.subarray(at.names, at.names + nameBytes);
  }

  get counts(): { v4: number; v6: number; organisations: number } {
    return { v4: this.v4Start.length, v6: this.v6Start.length, organisations: this.orgAsn.length };
  }

  /** `first`/`last` are the inclusive bounds of the queried IPv4 network. */
  lookupV4(first: number, last: number): RangeHit | undefined {
    const hits: Overlap[] = [];
    // Ranges are sorted and disjoint, so their ends ascend too: walk back from the last range starting in the query.
    for (let i = upperBound(this.v4Start, last) - 1; i >= 0 && hits.length < MAX_RANGES_PER_QUERY; i--) {
      const start = this.v4Start[i] ?? 0;
      const end = this.v4End[i] ?? 0;
      if (end < first) break;
      const overlap = Math.min(end, last) - Math.max(start, first) + 1;
      hits.push({ org: this.v4Org[i] ?? 0, first: start, last: end, overlap, size: end - start + 1 });
    }
    return this.pick(hits, last - first + 1, (h) => h.first <= first && h.last >= last);
  }

  /** `first`/`last` are the upper 64 bits of the queried IPv6 network's bounds. */
  lookupV6(first: bigint, last: bigint): RangeHit | undefined {
    const hits: Overlap[] = [];
    for (let i = upperBound(this.v6Start, last) - 1; i >= 0 && hits.length < MAX_RANGES_PER_QUERY; i--) {
      const start = this.v6Start[i] ?? 0n;
      const end = this.v6End[i] ?? 0n;
      if (end < first) break;
      const overlap = Number((end < last ? end : last) - (start > first ? start : first) + 1n);
      hits.push({ org: this.v6Org[i] ?? 0, first: start, last: end, overlap, size: Number(end - start + 1n) });
    }
    return this.pick(hits, Number(last - first + 1n), (h) => h.first <= first && h.last >= last);
  }

  private pick(hits: Overlap[], querySize: number, contains: (h: Overlap) => boolean): RangeHit | undefined {
    if (hits.length === 0) return undefined;
    const shareByOrg = new Map<number, number>();
    for (const h of hits) shareByOrg.set(h.org, (shareByOrg.get(h.org) ?? 0) + h.overlap);
    let org = -1;
    let held = -1;
    // Hits run from high to low addresses, so `>=` lets a tie go to the organisation holding the lower addresses.
    for (const [o, s] of shareByOrg) {
      if (s >= held) {
        org = o;
        held = s;
      }
    }
    let best: Overlap | undefined;
    for (const h of hits) if (h.org === org && (best === undefined || h.size > best.size)) best = h;
    if (best === undefined) return undefined;
    return {
      asn: this.orgAsn[org] ?? 0,
      name: this.names.toString('utf8', this.orgName[org] ?? 0, this.orgName[org + 1] ?? 0),
      org,
      first: best.first,
      last: best.last,
      coversAll: contains(best),
      share: held / querySize,
      organisations: shareByOrg.size,
    };
  }
}

interface Overlap {
  org: number;
  first: number | bigint;
  last: number | bigint;
  /** Addresses (IPv4) or /64s (IPv6) shared with the query. */
  overlap: number;
  size: number;
}

/** Index of the first element greater than `value`. */
function upperBound<T extends number | bigint>(sorted: ArrayLike<T>, value: T): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const v = sorted[mid];
    if (v !== undefined && v <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
