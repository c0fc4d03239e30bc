import { SESv2Client } from '@aws-sdk/client-sesv2';
import { REGION } from '../../contracts/names';
import type { ClientOptions } from './options';

/** Alert e-mail (adapters/email/email-sender.ts): SES in Ireland, like every other client. */
export const sesClient = (options: ClientOptions = {}): SESv2Client => new SESv2Client({ ...options, region: REGION });
