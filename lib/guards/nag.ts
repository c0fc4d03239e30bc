import { Validations } from 'aws-cdk-lib';
import {
  AwsSolutionsChecks,
  HIPAASecurityChecks,
  NIST80053R4Checks,
  NIST80053R5Checks,
  PCIDSS321Checks,
  ServerlessChecks,
  type NagPack,
} from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { ConfigError } from '../config';

/** Every pack cdk-nag 3 ships, by the name a reviewer passes in `-c nagPacks=...`. */
const PACKS = {
  AwsSolutions: (scope?: IConstruct) => new AwsSolutionsChecks(scope),
  Serverless: (scope?: IConstruct) => new ServerlessChecks(scope),
  HIPAASecurity: (scope?: IConstruct) => new HIPAASecurityChecks(scope),
  NIST80053R4: (scope?: IConstruct) => new NIST80053R4Checks(scope),
  NIST80053R5: (scope?: IConstruct) => new NIST80053R5Checks(scope),
  PCIDSS321: (scope?: IConstruct) => new PCIDSS321Checks(scope),
} as const satisfies Record<string, (scope?: IConstruct) => NagPack>;

export type NagPackName = keyof typeof PACKS;
export const NAG_PACK_NAMES = Object.keys(PACKS) as NagPackName[];

/** The packs the app is held to with zero unacknowledged findings; the others are for reviewers to run. */
export const DEFAULT_NAG_PACKS: readonly NagPackName[] = ['AwsSolutions', 'Serverless'];

const isPackName = (name: string): name is NagPackName => Object.hasOwn(PACKS, name);

/**
 * Reads the `nagPacks` context: `-c nagPacks=AwsSolutions,NIST80053R5` arrives as a comma list, cdk.json may
 * hold a list. A misspelt pack must fail rather than silently run fewer checks than the reviewer asked for.
 */
export function parseNagPackNames(raw: unknown): NagPackName[] {
  if (raw === undefined) return [...DEFAULT_NAG_PACKS];
  const names =
    typeof raw === 'string' ? raw.split(',') : Array.isArray(raw) && raw.every((n) => typeof n === 'string') ? raw : undefined;
  if (!names) throw new ConfigError(`Invalid context "nagPacks": expected a comma-separated list of pack names, got ${JSON.stringify(raw)}`);
  const trimmed = names.map((name) => name.trim()).filter(Boolean);
  const unknown = trimmed.filter((name) => !isPackName(name));
  if (unknown.length > 0) {
    throw new ConfigError(
      `Invalid context "nagPacks": unknown pack ${unknown.map((name) => `"${name}"`).join(', ')}; choose from ${NAG_PACK_NAMES.join(', ')}`,
    );
  }
  if (trimmed.length === 0) {
    throw new ConfigError(`Invalid context "nagPacks": name at least one pack (${NAG_PACK_NAMES.join(', ')})`);
  }
  return [...new Set(trimmed.filter(isPackName))];
}

/** The rule packs to run; shared by bin/ and the tests so both check the same thing. */
export function nagPacks(scope?: IConstruct, names: readonly NagPackName[] = DEFAULT_NAG_PACKS): NagPack[] {
  return names.map((name) => PACKS[name](scope));
}

/**
 * Registers the packs named by the `nagPacks` context (default AwsSolutions, Serverless) as validation
 * plugins: any unacknowledged finding fails synth. Returns the packs, so callers can say what ran.
 */
export function applyNagPacks(app: IConstruct): NagPack[] {
  const packs = nagPacks(app, parseNagPackNames(app.node.tryGetContext('nagPacks')));
  Validations.of(app).addPlugins(...packs);
  return packs;
}
