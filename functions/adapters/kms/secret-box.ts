import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { KeyPurpose } from '../../contracts/names';
import type { KeyService } from './key-service';

/**
 * Envelope encryption of a customer's integration secrets (CRM tokens, webhook signing secrets, Slack and Teams
 * URLs, which are credentials themselves) for storing in the table: each secret under a fresh data key from the
 * project key (AES-256-GCM), the data key stored only encrypted, and the secret bound to where it belongs (its site
 * and connection or endpoint) as authenticated data, so a sealed secret copied to another item does not open.
 * Cheaper than Secrets Manager for many small secrets (a KMS call per seal and per cold-start open, about
 * $0.03 per 10,000, against $0.40 per secret and month), and the table's TTL and erasure apply to it like to
 * everything else.
 */
export interface SealedSecret {
  /** The data key, encrypted under the project key (base64). */
  readonly key: string;
  readonly iv: string;
  readonly data: string;
  readonly tag: string;
}

export class SecretBox {
  /** Data keys opened this cold start, by their ciphertext: a secret is used often, its key fetched once. */
  private readonly opened = new Map<string, Uint8Array>();

  constructor(
    private readonly keyService: KeyService,
    private readonly purpose: KeyPurpose,
  ) {}

  async seal(plaintext: string, binding: string): Promise<SealedSecret> {
    const { plaintext: dataKey, ciphertext } = await this.keyService.generateDataKey(this.purpose);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', dataKey, iv).setAAD(Buffer.from(binding));
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return { key: Buffer.from(ciphertext).toString('base64'), iv: iv.toString('base64'), data: data.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
  }

  async open(sealed: SealedSecret, binding: string): Promise<string> {
    let dataKey = this.opened.get(sealed.key);
    if (!dataKey) {
      dataKey = await this.keyService.decrypt(Buffer.from(sealed.key, 'base64'), this.purpose);
      this.opened.set(sealed.key, dataKey);
    }
    const decipher = createDecipheriv('aes-256-gcm', dataKey, Buffer.from(sealed.iv, 'base64')).setAAD(Buffer.from(binding));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString('utf8');
  }
}

/** What the API may show of a secret: its last four characters at most. */
export const lastFour = (secret: string): string => (secret.length <= 8 ? '…' : `…${secret.slice(-4)}`);
