import { isbot } from 'isbot';

/**
 * Crawlers, monitors, HTTP libraries and headless browsers, by the maintained `isbot` patterns. Browsers always
 * send a User-Agent, so a request without one is treated as automated too.
 */
export function isLikelyBot(userAgent: string | undefined): boolean {
  return !userAgent?.trim() || isbot(userAgent);
}
