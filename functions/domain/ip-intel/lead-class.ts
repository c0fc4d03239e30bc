import type { NetworkClass } from './types';

/**
 * Only organisations' own networks become leads by default (sites may opt into education and government through
 * their `leadClasses`). Apart from classify.ts so that the Lambda bundle does not carry the build-time rules.
 */
export function isLeadClass(networkClass: NetworkClass): boolean {
  return networkClass === 'business';
}
