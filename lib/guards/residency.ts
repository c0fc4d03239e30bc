import { readFileSync } from 'node:fs';
import {
  Stack,
  Stage,
  Token,
  Validations,
  type IPolicyValidationContext,
  type IPolicyValidationPlugin,
  type PolicyValidationPluginReport,
  type PolicyViolation,
} from 'aws-cdk-lib';
import { SUPPORTED_REGION } from '../config';

/**
 * Data residency: visitor data is processed and stored in eu-west-1 only. The guard reads the synthesised
 * templates, so it sees what CloudFormation would deploy, whichever construct (ours, a library's, a
 * customer's addition) produced it.
 */

/** Rule ids, printed in every failure so a reviewer can find the rule and its reason here. */
export const RESIDENCY_RULES = {
  region: 'Residency-StackRegion',
  global: 'Residency-GlobalOrEdgeResource',
  otherRegion: 'Residency-OtherRegionReference',
} as const;

/** Thrown before synthesis when a region is known to be wrong up front; the message names the rule. */
export class ResidencyError extends Error {
  constructor(message: string) {
    super(`[${RESIDENCY_RULES.region}] ${message}`);
    this.name = 'ResidencyError';
  }
}

/**
 * Fails early, with the rule named, for a region that is not eu-west-1. `what` says where the region came
 * from (a stack, the `region` context), so the user knows what to change.
 */
export function assertResidentRegion(region: string | undefined, what: string): void {
  if (region === SUPPORTED_REGION) return;
  const given = region === undefined || Token.isUnresolved(region) ? 'an unspecified region' : region;
  throw new ResidencyError(
    `${what} must be deployed to ${SUPPORTED_REGION} (visitor data stays in the EU region it was reviewed for); it was given ${given}. Set the region to ${SUPPORTED_REGION}.`,
  );
}

/**
 * Any AWS region name, commercial or partitioned, wherever it appears in a string (ARNs, endpoints, bucket
 * names). The look-behind keeps words such as "campus-east-1" from matching.
 */
const REGION_PATTERN =
  /(?<![a-z0-9])(?:us-gov|us-isob|us-isof|us-isoe|us-iso|eusc|us|eu|ap|sa|ca|me|af|il|mx|cn)-(?:north|south|east|west|central|northeast|northwest|southeast|southwest)-\d{1,2}(?!\d)/gi;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type TemplateResource = { Type?: string; Properties?: { [key: string]: Json } };
type CfnTemplate = { Resources?: Record<string, TemplateResource>; Outputs?: { [key: string]: Json } };

type Finding = { rule: string; logicalId: string; location: string; message: string };

/** Types that are global or served from edge locations by definition, whatever their properties. */
const GLOBAL_TYPE_PREFIXES = ['AWS::CloudFront::', 'AWS::GlobalAccelerator::'];
const GLOBAL_TYPES = new Set([
  'AWS::KMS::ReplicaKey',
  'AWS::S3::MultiRegionAccessPoint',
  'AWS::S3::MultiRegionAccessPointPolicy',
  'AWS::RDS::GlobalCluster',
  'AWS::DocDB::GlobalCluster',
  'AWS::ElastiCache::GlobalReplicationGroup',
  'AWS::MemoryDB::MultiRegionCluster',
  'AWS::ECR::ReplicationConfiguration',
]);

const isObject = (value: Json | undefined): value is { [key: string]: Json } =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A region value that stays in eu-west-1: the literal, or the stack's own region (which is checked too). */
const isResidentRegionValue = (value: Json | undefined): boolean =>
  value === SUPPORTED_REGION || (isObject(value) && value.Ref === 'AWS::Region');

/**
 * Why a resource would hold or serve data outside eu-west-1, or undefined. Route 53 and IAM are global
 * services too, but they are allowed: they hold DNS records and permissions, never visitor data, and a
 * regional custom domain needs a Route 53 record.
 */
function globalReason(type: string, props: { [key: string]: Json }): string | undefined {
  if (GLOBAL_TYPE_PREFIXES.some((prefix) => type.startsWith(prefix)) || GLOBAL_TYPES.has(type)) {
    return `${type} is global or served from edge locations`;
  }
  switch (type) {
    case 'AWS::ApiGateway::RestApi':
    case 'AWS::ApiGateway::DomainName': {
      // Both default to EDGE when no endpoint configuration is given, so absence counts as edge.
      const config = props.EndpointConfiguration;
      const types = isObject(config) && Array.isArray(config.Types) ? config.Types : [];
      if (types.includes('EDGE')) return `${type} has an EDGE endpoint`;
      if (!types.includes('REGIONAL') && !types.includes('PRIVATE')) return `${type} must declare a REGIONAL endpoint (the default is EDGE)`;
      if (type === 'AWS::ApiGateway::DomainName' && props.CertificateArn !== undefined) {
        return `${type} uses CertificateArn, which only edge-optimised domains use`;
      }
      return undefined;
    }
    case 'AWS::ApiGatewayV2::DomainName': {
      // HTTP APIs themselves are always regional, but their custom domain names take an endpoint type, and
      // EDGE serves the API through CloudFront's edge locations. Without one the domain name is regional.
      const configurations = Array.isArray(props.DomainNameConfigurations) ? props.DomainNameConfigurations : [];
      const edge = configurations.some(
        (entry) => isObject(entry) && typeof entry.EndpointType === 'string' && entry.EndpointType.toUpperCase() === 'EDGE',
      );
      return edge ? `${type} has an EDGE endpoint` : undefined;
    }
    case 'AWS::DynamoDB::GlobalTable': {
      const regions = [props.Replicas, props.GlobalTableWitnesses].flatMap((list) =>
        Array.isArray(list) ? list.map((entry) => (isObject(entry) ? entry.Region : undefined)) : [],
      );
      const foreign = regions.filter((region) => !isResidentRegionValue(region));
      return foreign.length > 0 ? `${type} has a replica or witness outside ${SUPPORTED_REGION}: ${JSON.stringify(foreign)}` : undefined;
    }
    case 'AWS::KMS::Key':
      return props.MultiRegion === true || props.MultiRegion === 'true' ? `${type} is a multi-Region key` : undefined;
    case 'AWS::S3::Bucket': {
      if (props.ReplicationConfiguration !== undefined) return `${type} has a replication configuration`;
      const accelerate = props.AccelerateConfiguration;
      return isObject(accelerate) && accelerate.AccelerationStatus === 'Enabled'
        ? `${type} uses Transfer Acceleration (edge locations)`
        : undefined;
    }
    case 'AWS::SecretsManager::Secret':
      return Array.isArray(props.ReplicaRegions) && props.ReplicaRegions.length > 0 ? `${type} is replicated to other regions` : undefined;
    default:
      // WAF web ACLs and their sets with scope CLOUDFRONT live in us-east-1 and protect edge distributions.
      return type.startsWith('AWS::WAFv2::') && props.Scope === 'CLOUDFRONT' ? `${type} has scope CLOUDFRONT` : undefined;
  }
}

/** Every string (and object key) under `value` that names a region other than eu-west-1, with its location. */
function otherRegions(value: Json | undefined, location: string): { location: string; region: string }[] {
  if (typeof value === 'string') {
    return [...value.matchAll(REGION_PATTERN)]
      .map((match) => match[0].toLowerCase())
      .filter((region) => region !== SUPPORTED_REGION)
      .map((region) => ({ location, region }));
  }
  if (Array.isArray(value)) return value.flatMap((item, index) => otherRegions(item, `${location}/${index}`));
  if (isObject(value)) {
    return Object.entries(value).flatMap(([key, item]) => [
      ...otherRegions(key, location),
      ...otherRegions(item, `${location}/${key}`),
    ]);
  }
  return [];
}

/** The residency findings of one synthesised template. */
export function residencyFindings(template: CfnTemplate): Finding[] {
  const findings: Finding[] = [];
  for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
    const type = resource.Type ?? '';
    const props = resource.Properties ?? {};
    const reason = globalReason(type, props);
    if (reason) findings.push({ rule: RESIDENCY_RULES.global, logicalId, location: 'Properties', message: reason });
    for (const hit of otherRegions(props, 'Properties')) {
      findings.push({ rule: RESIDENCY_RULES.otherRegion, logicalId, location: hit.location, message: `${type} names ${hit.region}` });
    }
  }
  for (const [outputId, output] of Object.entries(template.Outputs ?? {})) {
    for (const hit of otherRegions(output, `Outputs/${outputId}`)) {
      findings.push({ rule: RESIDENCY_RULES.otherRegion, logicalId: outputId, location: hit.location, message: `Output names ${hit.region}` });
    }
  }
  return findings;
}

const RULE_DESCRIPTIONS: Record<string, string> = {
  [RESIDENCY_RULES.region]: `Every stack must be deployed to ${SUPPORTED_REGION}.`,
  [RESIDENCY_RULES.global]: `No global or edge resource (CloudFront, edge-optimised APIs, global tables and multi-Region keys with replicas elsewhere, cross-region replication): visitor data must stay in ${SUPPORTED_REGION}.`,
  [RESIDENCY_RULES.otherRegion]: `No resource property or output may name a region other than ${SUPPORTED_REGION} (ARNs, endpoints, replica regions).`,
};

/**
 * A validation plugin, run on every synthesis after the templates are written: any finding fails synth
 * with the rule id, the resource and the property path.
 */
export class ResidencyGuard implements IPolicyValidationPlugin {
  public readonly name = 'EirleadResidency';
  public readonly ruleIds = Object.values(RESIDENCY_RULES);

  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const findings: (Finding & { templatePath: string })[] = [];
    for (const stack of context.stackTemplates) {
      if (stack.region !== SUPPORTED_REGION) {
        findings.push({
          rule: RESIDENCY_RULES.region,
          logicalId: stack.stackConstructPath,
          location: 'region',
          message: `${stack.stackConstructPath} targets ${stack.region ?? 'an unspecified region'}`,
          templatePath: stack.templatePath,
        });
      }
      const template = JSON.parse(readFileSync(stack.templatePath, 'utf8')) as CfnTemplate;
      findings.push(...residencyFindings(template).map((finding) => ({ ...finding, templatePath: stack.templatePath })));
    }
    const violations: PolicyViolation[] = findings.map((finding) => ({
      ruleName: finding.rule,
      description: `${RULE_DESCRIPTIONS[finding.rule] ?? ''} ${finding.message}.`,
      violatingResources: [
        { resourceLogicalId: finding.logicalId, templatePath: finding.templatePath, locations: [finding.location] },
      ],
    }));
    return { success: violations.length === 0, violations };
  }
}

const guarded = new WeakSet<Stage>();

/**
 * Registers the guard once on the stage (or app) that holds `stack`. Stacks call it themselves, so no app
 * (bin/, a test, a customer's pipeline stage) can synthesise them unguarded.
 */
export function applyResidencyGuard(stack: Stack): void {
  const stage = Stage.of(stack);
  if (!stage) throw new Error(`${stack.node.path} is not inside an App or Stage; the residency guard needs one`);
  if (guarded.has(stage)) return;
  guarded.add(stage);
  Validations.of(stage).addPlugins(new ResidencyGuard());
}
