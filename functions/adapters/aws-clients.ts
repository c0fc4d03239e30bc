import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { REGION } from '../contracts/names';

/**
 * Every AWS SDK client of the functions is made here, pinned to Ireland: whatever AWS_REGION or a profile says,
 * no call can leave eu-west-1 (the residency guard checks the infrastructure; this checks the code). The local
 * runtime passes the emulators' endpoints and throw-away credentials; on AWS both come from the Lambda.
 */
export interface ClientOptions {
  readonly endpoint?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
}

export const dynamoDbDocumentClient = (options: ClientOptions = {}): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(new DynamoDBClient({ ...options, region: REGION }), { marshallOptions: { removeUndefinedValues: true } });

/**
 * Requests go to the client's endpoint, never to the host in a queue URL: the regional endpoint on AWS, and the
 * configured one locally (the emulator, or the benchmark's meter in front of it).
 */
export const sqsClient = (options: ClientOptions = {}): SQSClient => new SQSClient({ ...options, region: REGION, useQueueUrlAsEndpoint: false });

export const kmsClient = (options: ClientOptions = {}): KMSClient => new KMSClient({ ...options, region: REGION });

export const s3Client = (options: ClientOptions = {}): S3Client => new S3Client({ ...options, region: REGION });

export const lambdaClient = (options: ClientOptions = {}): LambdaClient => new LambdaClient({ ...options, region: REGION });

/** Cognito's regional endpoint, cognito-idp.eu-west-1.amazonaws.com: the dashboard's sign-in (no hosted UI). */
export const cognitoClient = (options: ClientOptions = {}): CognitoIdentityProviderClient =>
  new CognitoIdentityProviderClient({ ...options, region: REGION });
/** Alert e-mail (adapters/email/email-sender.ts): SES in Ireland, like every other client. */
export const sesClient = (options: ClientOptions = {}): SESv2Client => new SESv2Client({ ...options, region: REGION });
