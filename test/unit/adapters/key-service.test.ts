import { randomBytes } from 'node:crypto';
import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { KmsKeyService, LocalKeyService } from '../../../functions/adapters/kms/key-service';

describe('LocalKeyService', () => {
  const service = new LocalKeyService(randomBytes(32));

  it('decrypts what it generated', async () => {
    const { plaintext, ciphertext } = await service.generateDataKey('eirlead-daily-salt');
    expect(plaintext).toHaveLength(32);
    expect(Buffer.from(await service.decrypt(ciphertext, 'eirlead-daily-salt'))).toEqual(Buffer.from(plaintext));
  });

  it('refuses a tampered ciphertext', async () => {
    const { ciphertext } = await service.generateDataKey('eirlead-daily-salt');
    const tampered = Buffer.from(ciphertext);
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 1;
    await expect(service.decrypt(tampered, 'eirlead-daily-salt')).rejects.toThrow();
  });

  it('refuses a ciphertext made under another master key', async () => {
    const { ciphertext } = await new LocalKeyService(randomBytes(32)).generateDataKey('eirlead-daily-salt');
    await expect(service.decrypt(ciphertext, 'eirlead-daily-salt')).rejects.toThrow();
  });
});

describe('KmsKeyService', () => {
  const kms = mockClient(KMSClient);
  afterEach(() => kms.reset());

  it('generates AES-256 data keys under the project key, bound to their purpose', async () => {
    kms.on(GenerateDataKeyCommand).resolves({ Plaintext: new Uint8Array(32), CiphertextBlob: new Uint8Array([1, 2]) });
    const service = new KmsKeyService(new KMSClient({ region: 'eu-west-1' }), 'key-1');

    const key = await service.generateDataKey('eirlead-daily-salt');

    expect(key.ciphertext).toEqual(new Uint8Array([1, 2]));
    expect(kms.commandCalls(GenerateDataKeyCommand)[0]?.args[0].input).toEqual({
      KeyId: 'key-1',
      KeySpec: 'AES_256',
      EncryptionContext: { purpose: 'eirlead-daily-salt' },
    });
  });

  it('decrypts with the same encryption context', async () => {
    kms.on(DecryptCommand).resolves({ Plaintext: new Uint8Array([9]) });
    const service = new KmsKeyService(new KMSClient({ region: 'eu-west-1' }), 'key-1');

    expect(await service.decrypt(new Uint8Array([1]), 'eirlead-daily-salt')).toEqual(new Uint8Array([9]));
    expect(kms.commandCalls(DecryptCommand)[0]?.args[0].input.EncryptionContext).toEqual({ purpose: 'eirlead-daily-salt' });
  });

  it('fails loudly when KMS returns no key', async () => {
    kms.on(GenerateDataKeyCommand).resolves({});
    const service = new KmsKeyService(new KMSClient({ region: 'eu-west-1' }), 'key-1');
    await expect(service.generateDataKey('eirlead-daily-salt')).rejects.toThrow('returned no key');
  });
});
