import type { IpIntel } from '../../functions/domain/ip-intel';

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
/**
 * A B2B site's pages, most visited first (drawn Zipf-distributed), with paths and titles of realistic length:
 * leads count views per path and visits keep titles, so their size, and DynamoDB's bill, depend on them.
 */
const SITE: readonly (readonly [path: string, title: string])[] = [
  ['/', 'Acme Sensors – Industrial IoT sensors for predictive maintenance'],
  ['/pricing', 'Pricing and plans – Acme Sensors'],
  ['/product', 'Product overview – Acme Sensors'],
  ['/product/vibration-monitoring', 'Vibration monitoring for rotating equipment – Acme Sensors'],
  ['/product/temperature-sensors', 'Wireless temperature sensors – Acme Sensors'],
  ['/product/integrations', 'Integrations: SAP PM, Maximo, Azure IoT, AWS IoT – Acme Sensors'],
  ['/customers', 'Customer stories – Acme Sensors'],
  ['/customers/bosch-rexroth-predictive-maintenance', 'How Bosch Rexroth cut unplanned downtime by 38 % – Acme Sensors'],
  ['/contact', 'Contact sales – Acme Sensors'],
  ['/demo', 'Book a demo – Acme Sensors'],
  ['/docs/getting-started', 'Getting started – Acme Sensors documentation'],
  ['/docs/api/authentication', 'API authentication – Acme Sensors documentation'],
  ['/docs/gateway/installation', 'Installing the edge gateway – Acme Sensors documentation'],
  ['/blog/predictive-maintenance-roi-calculator', 'Predictive maintenance ROI: a calculator for plant managers – Acme Blog'],
  ['/blog/iso-10816-vibration-severity-explained', 'ISO 10816 vibration severity, explained – Acme Blog'],
  ['/blog/retrofitting-legacy-machines-with-iot', 'Retrofitting legacy machines with IoT sensors – Acme Blog'],
  ['/resources/whitepaper-condition-monitoring-2026', 'Whitepaper: condition monitoring in 2026 – Acme Sensors'],
  ['/resources/webinar-reducing-downtime', 'Webinar: reducing downtime with sensor data – Acme Sensors'],
  ['/industries/automotive', 'Sensors for automotive manufacturing – Acme Sensors'],
  ['/industries/food-and-beverage', 'Sensors for food and beverage plants – Acme Sensors'],
  ['/industries/energy-and-utilities', 'Sensors for energy and utilities – Acme Sensors'],
  ['/security', 'Security and compliance (ISO 27001, GDPR) – Acme Sensors'],
  ['/partners', 'Partner programme – Acme Sensors'],
  ['/about', 'About us – Acme Sensors'],
  ['/careers', 'Careers – Acme Sensors'],
  ['/careers/senior-embedded-engineer-munich', 'Senior embedded engineer (Munich) – Acme Sensors careers'],
  ['/legal/privacy', 'Privacy notice – Acme Sensors'],
  ['/legal/imprint', 'Imprint – Acme Sensors'],
  ['/changelog', 'Changelog – Acme Sensors'],
  ['/status', 'System status – Acme Sensors'],
];

/** The page title the workload sends for a path. */
export const titleOf = (path: string): string => SITE.find(([candidate]) => candidate === path)?.[1] ?? path;
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
  const page = zipfSampler(SITE.length, 1.0, random);
  const pickPath = (): string => SITE[page()]?.[0] ?? '/';

  return Array.from({ length: options.visits }, (_, index): PlannedVisit => {
    const paths: string[] = [pickPath()];
    // At most 25, the events one request may carry.
    while (paths.length < 25 && random() > 1 / meanPages) paths.push(pickPath());
    const draw = random();
    let threshold = 0;
    for (const kind of ['isp', 'hosting', 'bot', 'invalid'] as const) {
      threshold += shares[kind];
      if (draw >= threshold) continue;
      const network = kind === 'hosting' ? pick(pools.hosting) : pick(pools.isp);
      return { kind, ip: network.ip, userAgent: kind === 'bot' ? CRAWLER_USER_AGENT : BROWSER_USER_AGENT, organisation: network.organisation, paths };
    }
    const organisation = pools.business[zipf()] as Network;
    // An organisation's visits come from many people on its network, not one visitor: a single visitor-day past
    // the behaviour limits (300 page views) would rightly be dropped as a bot.
    const ip = organisation.ip.replace(/\d+$/, String(10 + (index % 240)));
    return { kind: 'business', ip, userAgent: BROWSER_USER_AGENT, organisation: organisation.organisation, paths };
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
