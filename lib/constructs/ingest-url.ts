import { Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

export interface IngestUrlProps {
  /** The ingest function; it answers payload format 2.0 itself (functions/platform/function-url.ts). */
  readonly function: lambda.Function;
  /**
   * The routes served at the URL (`POST /v1/events`, ...), each with a literal path; at least one.
   */
  readonly routes: readonly { readonly method: string; readonly path: string }[];
  /**
   * Why the URL takes unauthenticated requests; it becomes the acknowledgement of cdk-nag's findings on the URL
   * and its public invoke permissions, so a reviewer reads the reason next to each.
   */
  readonly whyPublic: string;
  /** The function's reserved concurrency: the only cap on requests to the URL, named in the acknowledgement. */
  readonly reservedConcurrency: number;
}

/**
 * A Lambda function URL in front of the ingest function, for `POST /v1/events` without API Gateway's request fee.
 * Regional (eu-west-1, like the function), HTTPS only, auth type NONE, buffered. There is deliberately no CORS
 * configuration: Lambda would then answer preflights itself and overwrite the function's CORS headers, and only
 * the function knows each site's allowed origins. The URL has no API Gateway throttle, no WAF (AWS WAF attaches to
 * neither function URLs nor HTTP APIs) and no custom domain (that needs CloudFront, which data residency rules
 * out): the function's reserved concurrency caps it, and the function answers anything but its routes with 404.
 */
export class IngestUrl extends Construct {
  public readonly functionUrl: lambda.FunctionUrl;
  /** Base URL, ending in `/`: `https://<id>.lambda-url.eu-west-1.on.aws/`. */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: IngestUrlProps) {
    super(scope, id);
    if (props.routes.length === 0) throw new Error('IngestUrl: give at least one route');
    if (props.whyPublic.trim().length < 20) throw new Error('IngestUrl: say why the URL needs no authentication');
    if (!Number.isInteger(props.reservedConcurrency) || props.reservedConcurrency < 1) {
      throw new Error('IngestUrl: the function needs a reserved concurrency, the only cap on its URL');
    }

    this.functionUrl = new lambda.FunctionUrl(this, 'Url', {
      function: props.function,
      authType: lambda.FunctionUrlAuthType.NONE,
      invokeMode: lambda.InvokeMode.BUFFERED,
    });
    this.url = this.functionUrl.url;

    const routes = props.routes.map((route) => `${route.method} ${route.path}`).join(', ');
    const reason = `${props.whyPublic} The function URL serves ${routes} only (anything else is answered 404 by the function) and is capped by the function's reserved concurrency of ${props.reservedConcurrency}.`;
    // Auth type NONE makes the two permissions the URL needs (Lambda requires both since October 2025) public: any
    // principal may invoke, but only through the function URL (conditions lambda:FunctionUrlAuthType and
    // lambda:InvokedViaFunctionUrl). NIST 800-53 rev. 5 reports them; no checked pack has a rule on the URL itself.
    for (const permission of ['invoke-function-url', 'invoke-function']) {
      const child = props.function.node.tryFindChild(permission);
      if (!child) throw new Error(`IngestUrl: the function URL did not add its ${permission} permission`);
      Validations.of(child).acknowledge({ id: 'NIST.800.53.R5-LambdaFunctionPublicAccessProhibited', reason });
    }
  }
}
