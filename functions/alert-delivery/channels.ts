import type { AlertEvent } from '../contracts/api/alerts';
import type { EmailSender } from '../adapters/email/email-sender';
import { EmailRefusedError } from '../adapters/email/email-sender';
import { type OutboundPolicy, OutboundFailedError, OutboundRefusedError, retryAfterMs, send } from '../adapters/outbound/sender';
import { alertEmail, digestEmail, slackMessage, teamsMessage } from '../domain/alerts/messages';
import { judgeAnswer } from '../domain/alerts/retry';
import { webhookIdOf } from '../domain/alerts/ids';
import { webhookHeaders as signedHeaders } from '../domain/alerts/signature';

/** What one attempt to send came to, whatever the channel. */
export type SendResult =
  | { readonly outcome: 'delivered'; readonly status?: number; readonly latencyMs: number }
  /** The receiver answered 410 Gone: it wants no more. */
  | { readonly outcome: 'gone'; readonly status: number; readonly latencyMs: number }
  | { readonly outcome: 'retry'; readonly status?: number; readonly error?: string; readonly latencyMs?: number; readonly retryAfterMs?: number }
  /** Never worth retrying: the destination is refused by construction (SSRF rules) or the message by the provider. */
  | { readonly outcome: 'refused'; readonly error: string };

/** An opened endpoint: its kind and the secrets it needs to send, just decrypted. */
export type OpenEndpoint =
  | { readonly kind: 'webhook'; readonly url: string; readonly secrets: readonly string[] }
  | { readonly kind: 'slack' | 'teams'; readonly url: string }
  | { readonly kind: 'email'; readonly to: readonly string[] };

export type Payload = { readonly kind: 'event'; readonly id: string; readonly body: string } | { readonly kind: 'digest'; readonly day: string; readonly events: readonly AlertEvent[] };

const USER_AGENT = 'Eirlead-Alerts/1';

export class Channels {
  constructor(
    private readonly policy: OutboundPolicy,
    private readonly email: EmailSender | undefined,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async send(endpoint: OpenEndpoint, payload: Payload): Promise<SendResult> {
    if (endpoint.kind === 'email') return this.sendEmail(endpoint.to, payload);
    if (payload.kind !== 'event') return { outcome: 'refused', error: 'a digest goes to e-mail endpoints only' };
    const event = JSON.parse(payload.body) as AlertEvent;
    const body = endpoint.kind === 'webhook' ? payload.body : JSON.stringify(endpoint.kind === 'slack' ? slackMessage(event) : teamsMessage(event));
    const headers: Record<string, string> = { 'Content-Type': 'application/json', 'User-Agent': USER_AGENT };
    if (endpoint.kind === 'webhook') {
      Object.assign(headers, signedHeaders(endpoint.secrets, webhookIdOf(payload.id), Math.floor(this.clock().getTime() / 1000), body));
    }
    try {
      const answer = await send({ url: endpoint.url, method: 'POST', headers, body }, this.policy);
      const verdict = judgeAnswer(answer.status);
      if (verdict === 'delivered') return { outcome: 'delivered', status: answer.status, latencyMs: answer.latencyMs };
      if (verdict === 'gone') return { outcome: 'gone', status: answer.status, latencyMs: answer.latencyMs };
      const wait = retryAfterMs(answer.headers, this.clock().getTime());
      return { outcome: 'retry', status: answer.status, latencyMs: answer.latencyMs, ...(wait !== undefined ? { retryAfterMs: wait } : {}) };
    } catch (error) {
      if (error instanceof OutboundRefusedError) return { outcome: 'refused', error: error.message };
      if (error instanceof OutboundFailedError) return { outcome: 'retry', error: error.message };
      throw error;
    }
  }

  private async sendEmail(to: readonly string[], payload: Payload): Promise<SendResult> {
    if (!this.email) return { outcome: 'refused', error: 'e-mail is not configured for this deployment (alerts.emailFrom)' };
    const content = payload.kind === 'digest' ? digestEmail(payload.day, payload.events) : alertEmail(JSON.parse(payload.body) as AlertEvent);
    const started = performance.now();
    try {
      await this.email.send({ to, ...content });
      return { outcome: 'delivered', latencyMs: Math.round(performance.now() - started) };
    } catch (error) {
      if (error instanceof EmailRefusedError) return error.retryable ? { outcome: 'retry', error: error.message } : { outcome: 'refused', error: error.message };
      throw error;
    }
  }
}

