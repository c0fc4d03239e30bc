/**
 * Third-party notices for the open lists the classification uses (data/asn-labels/), written into
 * build/ipdata/ATTRIBUTION.txt next to those of the IP data. Both lists are MIT-licensed: their copyright and
 * permission notices must travel with any copy of the data compiled from them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OPEN_LISTS_DIR } from './classification-data';

interface OpenList {
  readonly dir: string;
  readonly title: string;
  /** The attribution line the list's SOURCE.md asks for. */
  readonly line: string;
  readonly use: string;
}

export const OPEN_LISTS: readonly OpenList[] = [
  {
    dir: 'x4bnet-lists-vpn',
    title: 'X4BNet/lists_vpn',
    line: 'Datacenter/VPN ASN lists from X4BNet/lists_vpn, Copyright (c) 2024 X4B (Mathew Heard), MIT License.',
    use:
      'its datacenter and VPN AS numbers mark holders as hosting; its copy of Apple\'s iCloud Private Relay egress ' +
      'ranges marks those addresses as real users whose organisation is hidden',
  },
  {
    dir: 'brianhama-bad-asn-list',
    title: 'brianhama/bad-asn-list',
    line: 'Hosting ASN list from brianhama/bad-asn-list, Copyright (c) 2025 Brian Hamachek, MIT License.',
    use: 'its AS numbers (bad-asn-list.csv) mark holders as hosting',
  },
];

/** The notice paragraph: what was used and how it changed the data. */
export function openListsNotice(): string[] {
  return [
    'Network classes (the class stored with each organisation in asn.bin) were derived by Eirlead from',
    "curated tables and name rules (data/classification/) and from these open lists; a curator's decision",
    'outranks a list, so a listed AS number may carry another class (docs/classification.md):',
    ...OPEN_LISTS.flatMap((l) => [`  - ${l.title}: ${l.use}.`, `    ${l.line}`]),
    '',
  ];
}

/** The lists' licence texts, verbatim. */
export function openListsLicences(repoRoot: string): string[] {
  return OPEN_LISTS.flatMap((l) => [
    `--- ${l.title} ---`,
    readFileSync(join(repoRoot, OPEN_LISTS_DIR, l.dir, 'LICENSE'), 'utf8').trim(),
    '',
  ]);
}
