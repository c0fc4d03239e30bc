import { applies, type Statement } from './policy-evaluator';

/** The evaluator the IAM tests rely on, held to the IAM rules it claims to follow. */
const statement: Statement = {
  Effect: 'Allow',
  Action: ['dynamodb:GetItem', 'kms:GenerateDataKey*'],
  Resource: { 'Fn::GetAtt': ['Table', 'Arn'] },
  Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['SALT#*'] } },
};
const get = (...leadingKeys: string[]) => ({ action: 'dynamodb:GetItem', resource: 'Table.Arn', context: { 'dynamodb:LeadingKeys': leadingKeys } });

describe('policy evaluator', () => {
  test('matches actions case-insensitively and with wildcards, resources exactly', () => {
    expect(applies(statement, { ...get('SALT#1'), action: 'DynamoDB:getitem' })).toBe(true);
    expect(applies(statement, { ...get('SALT#1'), action: 'kms:GenerateDataKeyWithoutPlaintext' })).toBe(true);
    expect(applies(statement, { ...get('SALT#1'), resource: 'Table.Arn/index/x' })).toBe(false);
  });

  test('ForAllValues: every value must match, and no value at all passes (as in IAM)', () => {
    expect(applies(statement, get('SALT#1', 'SALT#2'))).toBe(true);
    expect(applies(statement, get('SALT#1', 'APIKEY#2'))).toBe(false);
    expect(applies(statement, { action: 'dynamodb:GetItem', resource: 'Table.Arn' })).toBe(true);
  });

  test('a plain operator on a missing key is false; an unknown operator is an error', () => {
    const viaService: Statement = { ...statement, Condition: { StringEquals: { 'kms:ViaService': 'sqs.eu-west-1.amazonaws.com' } } };
    expect(applies(viaService, { action: 'dynamodb:GetItem', resource: 'Table.Arn' })).toBe(false);
    expect(applies(viaService, { action: 'dynamodb:GetItem', resource: 'Table.Arn', context: { 'kms:ViaService': 'sqs.eu-west-1.amazonaws.com' } })).toBe(true);
    const unknown: Statement = { ...statement, Condition: { NumericLessThan: { 'aws:EpochTime': '1' } } };
    expect(() => applies(unknown, get('SALT#1'))).toThrow(/unsupported condition operator/);
  });

  test('a Deny statement never allows', () => {
    expect(applies({ ...statement, Effect: 'Deny' }, get('SALT#1'))).toBe(false);
  });
});
