/** All the clients, for the local runtime, scripts and tests; a function imports the one file it needs. */
export type { ClientOptions } from './options';
export { cognitoClient } from './cognito';
export { dynamoDbDocumentClient } from './dynamodb';
export { kmsClient } from './kms';
export { lambdaClient } from './lambda';
export { s3Client } from './s3';
export { sesClient } from './ses';
export { sqsClient } from './sqs';
