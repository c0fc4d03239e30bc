import { createHash } from 'node:crypto';

/** Which part of the evaluation an AS number belongs to, for every sample ever drawn: half held out, by a salted hash. */
const SPLIT_SALT = 'eirlead-classification-split-v1:';

export function splitOf(asn: number): 'heldout' | 'dev' {
  const firstByte = createHash('sha256').update(SPLIT_SALT + asn).digest()[0]!;
  return firstByte < 128 ? 'heldout' : 'dev';
}
