import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DecryptCommand, GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import type { KeyPurpose } from '../../contracts/names';
import { kmsClient } from '../aws-clients/kms';

/**
 * The one place the project key is used. On AWS it is the customer-managed KMS key; locally, where no KMS
 * emulator exists, a 256-bit master key kept in the local data directory plays its role (LocalKeyService,
 * tested against the same contract as the KMS one).
 */
export interface DataKey {
  readonly plaintext: Uint8Array;
  readonly ciphertext: Uint8Array;
}


export interface KeyService {
  /** A fresh random 256-bit key, returned in plaintext and encrypted under the project key. */
  generateDataKey(purpose: KeyPurpose): Promise<DataKey>;
  decrypt(ciphertext: Uint8Array, purpose: KeyPurpose): Promise<Uint8Array>;
}

export class KmsKeyService implements KeyService {
  constructor(
    private readonly client: KMSClient,
    private readonly keyId: string,
  ) {}

  async generateDataKey(purpose: KeyPurpose): Promise<DataKey> {
    const result = await this.client.send(
      new GenerateDataKeyCommand({ KeyId: this.keyId, KeySpec: 'AES_256', EncryptionContext: { purpose } }),
    );
    if (!result.Plaintext || !result.CiphertextBlob) throw new Error('KMS GenerateDataKey returned no key');
    return { plaintext: result.Plaintext, ciphertext: result.CiphertextBlob };
  }

  async decrypt(ciphertext: Uint8Array, purpose: KeyPurpose): Promise<Uint8Array> {
    const result = await this.client.send(
      new DecryptCommand({ KeyId: this.keyId, CiphertextBlob: ciphertext, EncryptionContext: { purpose } }),
    );
    if (!result.Plaintext) throw new Error('KMS Decrypt returned no plaintext');
    return result.Plaintext;
  }
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** The encryption context as additional authenticated data, as KMS binds it. */
const aadOf = (purpose: KeyPurpose) => Buffer.from(JSON.stringify({ purpose }));

/** AES-256-GCM envelope encryption under a local master key: iv | tag | ciphertext. */
export class LocalKeyService implements KeyService {
  constructor(private readonly masterKey: Buffer) {
    if (masterKey.length !== 32) throw new Error('The local master key must be 32 bytes');
  }

  async generateDataKey(purpose: KeyPurpose): Promise<DataKey> {
    const plaintext = randomBytes(32);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.masterKey, iv).setAAD(aadOf(purpose));
    const encrypted = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return { plaintext, ciphertext: Buffer.concat([iv, cipher.getAuthTag(), encrypted]) };
  }

  async decrypt(ciphertext: Uint8Array, purpose: KeyPurpose): Promise<Uint8Array> {
    const blob = Buffer.from(ciphertext);
    const decipher = createDecipheriv('aes-256-gcm', this.masterKey, blob.subarray(0, IV_BYTES)).setAAD(aadOf(purpose));
    decipher.setAuthTag(blob.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(blob.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  }
}

/** The project key on AWS KMS, for a handler's `awsInfrastructure({ keyService })`. */
export const awsKeyService = (keyId: string): KeyService => new KmsKeyService(kmsClient(), keyId);
