import { randomBytes } from 'node:crypto';
import { LocalKeyService } from '../../../functions/adapters/kms/key-service';
import { lastFour, SecretBox } from '../../../functions/adapters/kms/secret-box';

describe('SecretBox', () => {
  const box = new SecretBox(new LocalKeyService(randomBytes(32)), 'eirlead-integration-secret');

  it('seals a secret so that only its own binding opens it', async () => {
    const sealed = await box.seal('pat-na1-0123456789abcdef', 'site:demo/connection:c1');
    expect(JSON.stringify(sealed)).not.toContain('0123456789abcdef');
    expect(await box.open(sealed, 'site:demo/connection:c1')).toBe('pat-na1-0123456789abcdef');
    await expect(box.open(sealed, 'site:other/connection:c1')).rejects.toThrow();
  });

  it('refuses a sealed secret that was changed', async () => {
    const sealed = await box.seal('whsec_abc', 'b');
    await expect(box.open({ ...sealed, data: Buffer.from('whsec_xyz').toString('base64') }, 'b')).rejects.toThrow();
  });

  it('shows at most the last four characters', () => {
    expect(lastFour('pat-na1-0123456789abcdef')).toBe('…cdef');
    expect(lastFour('short')).toBe('…');
  });
});
