import type { AlertEvent } from '../../../../functions/contracts/api/alerts';
import { alertEmail, SLACK_LIMITS, slackMessage, TEAMS_MAX_BYTES, teamsMessage } from '../../../../functions/domain/alerts/messages';
import { alertEvent, exampleLead, restrictFields } from '../../../../functions/domain/alerts/payload';

const NOW = new Date('2026-12-04T10:00:00Z');
const huge = 'x'.repeat(10_000);
const event = (name = 'Pricing'): AlertEvent => {
  const lead = { ...exampleLead('demo', NOW), organisation: { name: `<b>${huge}</b>` }, pageCounts: Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`/${huge.slice(0, 150)}${i}`, i])) };
  return alertEvent('alert.fired', { ruleId: 'r1', name }, 'pageview', { lead, triggerPaths: ['/pricing'], returning: false }, 'https://api.example.com/prod/', NOW);
};

describe('alert messages within each channel’s documented limits', () => {
  it('Slack: at most 50 blocks, 150 characters of header, 3,000 per section, 2,000 per field, 10 fields; & < > escaped', () => {
    const message = slackMessage(event());
    expect(message.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    for (const block of message.blocks as Array<{ type: string; text?: { text: string }; fields?: Array<{ text: string }> }>) {
      if (block.type === 'header') expect(block.text?.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
      if (block.text) expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
      expect((block.fields ?? []).length).toBeLessThanOrEqual(SLACK_LIMITS.fields);
      for (const field of block.fields ?? []) expect(field.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fieldText);
    }
    // Everything Slack reads as mrkdwn is escaped, so a name like <!channel> cannot notify anyone (the header is plain text).
    expect(message.text).not.toContain('<');
    const mrkdwn = (message.blocks as Array<{ fields?: Array<{ text: string }> }>).flatMap((block) => block.fields ?? []);
    expect(mrkdwn.map((field) => field.text).join('')).not.toContain('<b>');
  });

  it('Teams: one Adaptive Card attachment of a message, under the size limit', () => {
    const message = teamsMessage(event()) as { type: string; attachments: Array<{ contentType: string; content: { type: string } }> };
    expect(message.type).toBe('message');
    expect(message.attachments.map((attachment) => [attachment.contentType, attachment.content.type])).toEqual([['application/vnd.microsoft.card.adaptive', 'AdaptiveCard']]);
    expect(Buffer.byteLength(JSON.stringify(message))).toBeLessThanOrEqual(TEAMS_MAX_BYTES);
  });

  it('e-mail: HTML escaped, the link to the lead included', () => {
    const email = alertEmail(event());
    expect(email.html).not.toContain('<b>x');
    expect(email.text).toContain('https://api.example.com/prod/v1/sites/demo/leads/example');
  });

  it('a field allow-list keeps only the allowed lead fields (and the ids)', () => {
    const narrowed = restrictFields(event(), ['organisation']);
    expect(Object.keys(narrowed.data.lead).sort()).toEqual(['leadId', 'organisation', 'siteId']);
  });

  it('carries no network, pseudonym or address: organisation-level data only', () => {
    const body = JSON.stringify(event());
    expect(body).not.toContain('192.0.2.0');
    expect(body).not.toMatch(/visitor|pseudonym|network/i);
  });
});
