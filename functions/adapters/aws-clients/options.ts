/**
 * Every AWS SDK client of the functions is made in this folder, one file per service so that a function's bundle
 * holds only the clients it uses, and each pinned to Ireland: whatever AWS_REGION or a profile says, no call can
 * leave eu-west-1 (the residency guard checks the infrastructure; this checks the code). The local runtime passes
 * the emulators' endpoints and throw-away credentials; on AWS both come from the Lambda.
 */
export interface ClientOptions {
  readonly endpoint?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}
