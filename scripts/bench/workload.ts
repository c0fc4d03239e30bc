import type { IpIntel } from '../../functions/shared/ip-intel';

/**
 * A synthetic but realistic visitor mix for the benchmark and the load tests, drawn from the bundled IP data
 * (so every address really is what it is labelled): organisations visit with Zipf-distributed frequency, each
 * visit is a sequence of page views, and residential, cloud and crawler traffic is mixed in.
 */

export type VisitorKind = 'business' | 'isp' | 'hosting' | 'bot' | 'invalid';

export interface PlannedVisit {
  readonly kind: VisitorKind;
  readonly ip: string;
  readonly userAgent: string;
  /** Registered holder of the address's network, as the bundled data names it. */
  readonly organisation?: string;
  readonly paths: readonly string[];
}

export interface WorkloadOptions {
  /** Seed of the pseudo-random generator, so that two runs draw the same workload. */
  readonly seed: number;
  readonly visits: number;
  /** Distinct business organisations to draw from. @default 300 */
  readonly organisations?: number;
  /** Zipf exponent of organisation popularity. @default 1.0 */
  readonly zipfExponent?: number;
  /** Shares of the visits (the rest are business visits). */
  readonly shares?: Partial<Record<Exclude<VisitorKind, 'business'>, number>>;
  /** Mean page views per visit (geometric distribution, at least 1). @default 3.5 */
  readonly meanPagesPerVisit?: number;
}

/** A desktop browser: isbot lets it through, as it would a real visitor's. */
export const BROWSER_USER_AGENT =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const CRAWLER_USER_AGENT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
const PATHS = ['/', '/pricing', '/product', '/product/integrations', '/customers', '/blog/gdpr-by-design', '/about', '/careers', '/contact', '/docs/getting-started'];
const DEFAULT_SHARES = { isp: 0.35, hosting: 0.05, bot: 0.03, invalid: 0.01 };

/** mulberry32: small, fast and good enough to draw a workload reproducibly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Network {
  readonly ip: string;
  readonly organisation: string;
}

/** Random public /24 networks, grouped by the class the classifier gives their holder; one network per ASN. */
export function sampleNetworks(ipIntel: IpIntel, random: () => number, wanted: Record<'business' | 'isp' | 'hosting', number>) {
  const pools: Record<'business' | 'isp' | 'hosting', Network[]> = { business: [], isp: [], hosting: [] };
  const seenAsns = new Set<number>();
  for (let attempt = 0; attempt < 5_000_000; attempt++) {
    if ((Object.keys(pools) as (keyof typeof pools)[]).every((kind) => pools[kind].length >= wanted[kind])) break;
    const first = 1 + Math.floor(random() * 223);
    if (first === 10 || first === 127 || first === 100 || first === 169 || first === 172 || first === 192) continue;
    const network = `${first}.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}.0/24`;
    const match = ipIntel.lookupOrganisation(network);
    if (!match || seenAsns.has(match.asn)) continue;
    const kind = match.networkClass;
    if (kind !== 'business' && kind !== 'isp' && kind !== 'hosting') continue;
    if (pools[kind].length >= wanted[kind]) continue;
    seenAsns.add(match.asn);
    pools[kind].push({ ip: network.replace(/0\/24$/, String(10 + Math.floor(random() * 240))), organisation: match.name });
  }
  for (const [kind, pool] of Object.entries(pools)) {
    if (pool.length === 0) throw new Error(`No ${kind} network found in the bundled IP data`);
  }
  return pools;
}

export function planWorkload(ipIntel: IpIntel, options: WorkloadOptions): PlannedVisit[] {
  const random = seededRandom(options.seed);
  const shares = { ...DEFAULT_SHARES, ...options.shares };
  const pools = sampleNetworks(ipIntel, random, { business: options.organisations ?? 300, isp: 200, hosting: 50 });
  const zipf = zipfSampler(pools.business.length, options.zipfExponent ?? 1.0, random);
  const meanPages = options.meanPagesPerVisit ?? 3.5;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

  return Array.from({ length: options.visits }, (): PlannedVisit => {
    const paths: string[] = [pick(PATHS)];
    // At most 25, the events one request may carry.
    while (paths.length < 25 && random() > 1 / meanPages) paths.push(pick(PATHS));
    const draw = random();
    let threshold = 0;
    for (const kind of ['isp', 'hosting', 'bot', 'invalid'] as const) {
      threshold += shares[kind];
      if (draw >= threshold) continue;
      const network = kind === 'hosting' ? pick(pools.hosting) : pick(pools.isp);
      return { kind, ip: network.ip, userAgent: kind === 'bot' ? CRAWLER_USER_AGENT : BROWSER_USER_AGENT, organisation: network.organisation, paths };
    }
    const organisation = pools.business[zipf()] as Network;
    return { kind: 'business', ip: organisation.ip, userAgent: BROWSER_USER_AGENT, organisation: organisation.organisation, paths };
  });
}

/** Index 0 is the most popular: P(k) ∝ 1 / (k + 1)^s. */
function zipfSampler(size: number, exponent: number, random: () => number): () => number {
  const cumulative: number[] = [];
  let sum = 0;
  for (let k = 0; k < size; k++) cumulative.push((sum += 1 / (k + 1) ** exponent));
  return () => {
    const target = random() * sum;
    let low = 0;
    let high = size - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((cumulative[middle] as number) < target) low = middle + 1;
      else high = middle;
    }
    return low;
  };
}
