import type { AlertEvent, AlertLead } from '../../contracts/api/alerts';

/**
 * The alert as each channel shows it, within each channel's documented limits: Slack Block Kit (at most 50
 * blocks a message, 150 characters of plain text in a header, 3,000 characters in a section's text and 2,000 in
 * each of at most 10 fields), a Microsoft Teams Workflows webhook (a message with one Adaptive Card attachment;
 * Teams takes messages up to about 28 KB), and e-mail (text and HTML).
 */
export const SLACK_LIMITS = { blocks: 50, headerText: 150, sectionText: 3000, fieldText: 2000, fields: 10 } as const;
export const TEAMS_MAX_BYTES = 28 * 1024;

const clip = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
/** Slack mrkdwn treats &, < and > as control characters. */
const slackEscape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const htmlEscape = (text: string): string => slackEscape(text).replace(/"/g, '&quot;');

function headline(event: AlertEvent): string {
  const { lead } = event.data;
  const who = lead.organisation?.name ?? `Lead ${lead.leadId}`;
  const test = event.type === 'alert.test' ? '[test] ' : '';
  return `${test}${who} is on your site (${event.data.rule.name})`;
}

/** Label–value lines of what the endpoint may see, in one order for every channel. */
export function facts(lead: AlertLead, returning: boolean): Array<[string, string]> {
  const lines: Array<[string, string]> = [];
  if (lead.organisation) lines.push(['Organisation', [lead.organisation.name, lead.organisation.domain].filter(Boolean).join(' · ')]);
  if (lead.organisationClass) lines.push(['Class', lead.organisationClass]);
  if (lead.location) lines.push(['Location', [lead.location.city, lead.location.region, lead.location.country].filter(Boolean).join(', ')]);
  if (lead.match) lines.push(['Match', `${lead.match.confidence} confidence (${lead.match.source})`]);
  if (lead.triggerPaths && lead.triggerPaths.length > 0) lines.push(['Viewed now', lead.triggerPaths.join(', ')]);
  if (lead.visits !== undefined || lead.pageviews !== undefined) {
    lines.push(['Activity', `${lead.visits ?? '?'} visits, ${lead.pageviews ?? '?'} page views${returning ? ' (returning)' : ' (new)'}`]);
  }
  if (lead.topPages && lead.topPages.length > 0) lines.push(['Top pages', lead.topPages.map((page) => `${page.path} (${page.views})`).join(', ')]);
  if (lead.firstSeenAt) lines.push(['First seen', lead.firstSeenAt]);
  return lines;
}

export interface SlackMessage {
  readonly text: string;
  readonly blocks: ReadonlyArray<Record<string, unknown>>;
}

export function slackMessage(event: AlertEvent): SlackMessage {
  const { lead, returning } = event.data;
  const title = headline(event);
  const fields = facts(lead, returning)
    .slice(0, SLACK_LIMITS.fields)
    .map(([label, value]) => ({ type: 'mrkdwn', text: clip(`*${slackEscape(label)}*\n${slackEscape(value)}`, SLACK_LIMITS.fieldText) }));
  const blocks: Array<Record<string, unknown>> = [
    { type: 'header', text: { type: 'plain_text', text: clip(title, SLACK_LIMITS.headerText), emoji: false } },
    ...(fields.length > 0 ? [{ type: 'section', fields }] : []),
  ];
  if (lead.link) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(`<${lead.link}|Open the lead in the API>`, SLACK_LIMITS.sectionText) } });
  }
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: clip(`Eirlead · rule ${slackEscape(event.data.rule.name)} · ${event.timestamp}`, SLACK_LIMITS.sectionText) }] });
  // The notification text (shown where blocks are not), and the blocks within Slack's count limit.
  // The notification text is mrkdwn: unescaped, an organisation named `<!channel>` would notify the whole channel.
  return { text: clip(slackEscape(title), SLACK_LIMITS.sectionText), blocks: blocks.slice(0, SLACK_LIMITS.blocks) };
}

export function teamsMessage(event: AlertEvent): Record<string, unknown> {
  const { lead, returning } = event.data;
  const card = {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    body: [
      { type: 'TextBlock', text: clip(headline(event), 300), weight: 'Bolder', size: 'Medium', wrap: true },
      { type: 'FactSet', facts: facts(lead, returning).map(([title, value]) => ({ title, value: clip(value, 1000) })) },
      { type: 'TextBlock', text: `Eirlead · ${event.timestamp}`, isSubtle: true, size: 'Small', wrap: true },
    ],
    ...(lead.link ? { actions: [{ type: 'Action.OpenUrl', title: 'Open the lead in the API', url: lead.link }] } : {}),
  };
  return { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card }] };
}

export interface EmailContent {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export function alertEmail(event: AlertEvent): EmailContent {
  const { lead, returning } = event.data;
  const lines = facts(lead, returning);
  const title = headline(event);
  return {
    subject: clip(title, 200),
    text: [title, '', ...lines.map(([label, value]) => `${label}: ${value}`), ...(lead.link ? ['', lead.link] : [])].join('\n'),
    html: `<h2>${htmlEscape(title)}</h2><table>${lines.map(([label, value]) => `<tr><th align="left">${htmlEscape(label)}</th><td>${htmlEscape(value)}</td></tr>`).join('')}</table>${
      lead.link ? `<p><a href="${htmlEscape(lead.link)}">Open the lead in the API</a></p>` : ''
    }`,
  };
}

/** At most this many alerts are listed in one digest; the rest are counted. */
export const DIGEST_MAX_LISTED = 200;

export function digestEmail(day: string, events: readonly AlertEvent[]): EmailContent {
  const listed = events.slice(0, DIGEST_MAX_LISTED);
  const rest = events.length - listed.length;
  const subject = `Eirlead: ${events.length} alert${events.length === 1 ? '' : 's'} on ${day}`;
  const line = (event: AlertEvent) => {
    const { lead } = event.data;
    const where = lead.location?.country ? ` (${lead.location.country})` : '';
    const paths = lead.triggerPaths && lead.triggerPaths.length > 0 ? ` — ${lead.triggerPaths.join(', ')}` : '';
    return `${event.timestamp.slice(11, 16)} UTC · ${lead.organisation?.name ?? lead.leadId}${where} · ${event.data.rule.name}${paths}`;
  };
  const more = rest > 0 ? [`… and ${rest} more`] : [];
  return {
    subject,
    text: [subject, '', ...listed.map(line), ...more].join('\n'),
    html: `<h2>${htmlEscape(subject)}</h2><ul>${[...listed.map(line), ...more].map((entry) => `<li>${htmlEscape(entry)}</li>`).join('')}</ul>`,
  };
}
