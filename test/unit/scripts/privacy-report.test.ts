import { App } from 'aws-cdk-lib';
import { readFileSync } from 'node:fs';
import { loadConfig } from '../../../lib/config';
import { privacyReport } from '../../../scripts/ops/privacy-report';

const cdkContext = (JSON.parse(readFileSync('cdk.json', 'utf8')) as { context: Record<string, unknown> }).context;
const reportFor = (context: Record<string, unknown> = {}) => privacyReport(loadConfig(new App({ context: { ...cdkContext, ...context } }).node));

describe('privacy report', () => {
  it('states region, recipient and every data class with its retention', () => {
    const report = reportFor();
    expect(report).toContain('eu-west-1 (Ireland) only');
    expect(report).toContain('Amazon Web Services EMEA SARL');
    expect(report).toMatch(/Full IP address \| ingest function memory only \| never stored/);
    expect(report).toMatch(/Visit: .* \| 90 days after each page view/);
    expect(report).toMatch(/Daily salt .* \| 48 hours after its day began/);
    expect(report).toMatch(/Dashboard users .* \| Amazon Cognito user pool, eu-west-1 \|/);
    expect(report).toMatch(/Dashboard sessions: .* \| database \| 8 hours, or until sign-out \|/);
  });

  it('follows the deployment configuration, so it cannot drift from the stack', () => {
    const report = reportFor({ retention: { ...(cdkContext.retention as object), visitDays: 30, saltHours: 36 } });
    expect(report).toMatch(/\| 30 days after each page view/);
    expect(report).toContain('Visits are deleted after 30 days');
    expect(report).toContain('cannot be traced back after 36 hours');
  });

  it('names the connected CRM as the recipient, what it gets and what is kept, with the copy\'s retention from the configuration', () => {
    const report = reportFor({ crm: { copyDays: 5, fullSyncEveryDays: 3 } });
    expect(report).toContain('its own CRM receives what it chooses to push');
    expect(report).toMatch(/CRM copy .* \| 5 days after the sync that wrote it/);
    expect(report).toContain('Never a person, an IP address, an e-mail address');
    expect(report).toContain('Art. 6(1)(b)');
  });

  it('names the alert destinations as recipients, what they get, and the delivery log\'s retention from the configuration', () => {
    const report = reportFor({ alerts: { deliveryLogDays: 14 } });
    expect(report).toContain('webhook receiver or e-mail recipients (through Amazon SES in eu-west-1) receive alerts');
    expect(report).toMatch(/Alert delivery log .* \| 14 days \|/);
    expect(report).toContain('Never a person, an IP address or network, a pseudonym');
  });
});
