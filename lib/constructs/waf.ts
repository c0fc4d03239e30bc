import { Validations } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

export interface WafProps {
  /** The REST API stage the web ACL protects. */
  readonly stage: apigateway.Stage;
  /**
   * Requests one client address may make in any five minutes before it is blocked (AWS WAF's rate window).
   * @default 2000
   */
  readonly rateLimitPer5Minutes?: number;
}

/**
 * An optional regional AWS WAF web ACL in front of the REST API (WAF cannot be attached to an HTTP API): a rate-based rule per client address. Sampled
 * requests stay off, because WAF would keep the full client IP of each sample; metrics stay on.
 */
export class Waf extends Construct {
  public readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: WafProps) {
    super(scope, id);
    const limit = props.rateLimitPer5Minutes ?? 2000;
    if (!Number.isInteger(limit) || limit < 10 || limit > 2_000_000_000) {
      throw new Error('Waf: rateLimitPer5Minutes must be an integer from 10 to 2,000,000,000 (the AWS WAF range)');
    }
    const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      metricName,
      sampledRequestsEnabled: false,
    });
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('eirlead-api'),
      rules: [
        {
          name: 'rate-limit-per-address',
          priority: 0,
          action: { block: {} },
          statement: { rateBasedStatement: { limit, aggregateKeyType: 'IP' } },
          visibilityConfig: visibility('eirlead-rate-limit'),
        },
      ],
    });
    Validations.of(this.webAcl).acknowledge({
      id: 'NIST.800.53.R5-WAFv2LoggingEnabled',
      reason:
        "No WAF logging, for the reason sampled requests are off: every WAF log record holds the request's full client IP (httpRequest.clientIp), which this design never stores, and WAF's redacted fields cannot remove it. The web ACL's CloudWatch metrics (blocked and allowed counts per rule) and the API access logs, which hold no IP, carry the operational signal.",
    });
    new wafv2.CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.stage.stageArn,
      webAclArn: this.webAcl.attrArn,
    });
  }
}
