import { randomBytes } from 'node:crypto';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { signature, verifySignature, webhookHeaders } from '../../../../functions/domain/alerts/signature';

const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;
const body = JSON.stringify({ type: 'alert.fired', data: { lead: { leadId: 'abc' } } });
const now = () => Math.floor(Date.now() / 1000);

describe('Standard Webhooks signatures, checked with the standardwebhooks package', () => {
  it('verifies with the secret it was signed with', () => {
    const secret = newSecret();
    const headers = webhookHeaders([secret], 'msg_1', now(), body);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('signs with both secrets during a rotation, so a receiver holding either verifies', () => {
    const [current, previous] = [newSecret(), newSecret()];
    const headers = webhookHeaders([current, previous], 'msg_2', now(), body);
    expect(headers['webhook-signature']?.split(' ')).toHaveLength(2);
    expect(() => new Webhook(current).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(previous).verify(body, headers)).not.toThrow();
    expect(() => new Webhook(newSecret()).verify(body, headers)).toThrow(WebhookVerificationError);
  });

  it('fails for a changed body, id or timestamp, and for a timestamp older than five minutes', () => {
    const secret = newSecret();
    const headers = webhookHeaders([secret], 'msg_3', now(), body);
    expect(() => new Webhook(secret).verify(`${body} `, headers)).toThrow(WebhookVerificationError);
    expect(() => new Webhook(secret).verify(body, { ...headers, 'webhook-id': 'msg_4' })).toThrow(WebhookVerificationError);
    const old = webhookHeaders([secret], 'msg_3', now() - 600, body);
    expect(() => new Webhook(secret).verify(body, old)).toThrow(WebhookVerificationError);
  });

  it('verifySignature (the receiver example in docs/alerts.md) agrees with the package', () => {
    const secret = newSecret();
    const at = now();
    const headers = { id: 'msg_5', timestamp: String(at), signature: signature(secret, 'msg_5', at, body) };
    expect(verifySignature(secret, headers, body, at)).toBe(true);
    expect(verifySignature(secret, headers, body, at + 301)).toBe(false);
    expect(verifySignature(newSecret(), headers, body, at)).toBe(false);
  });

  it('refuses to sign without a secret', () => {
    expect(() => webhookHeaders([], 'msg_6', now(), body)).toThrow();
  });
});
