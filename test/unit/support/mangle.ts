// The benchmark's seeded generator: seeded, so a failing case can be replayed.
export { seededRandom } from '../../../scripts/bench/workload';

/**
 * `count` strings made from `seeds` (in turn) by 1 to `maxEdits` random edits, each a replacement, an insertion or a
 * deletion of a character of `alphabet`: text that is nearly, but not quite, what a parser expects.
 */
export function* mangled(seeds: readonly string[], alphabet: string, count: number, random: () => number, maxEdits = 3): Generator<string> {
  for (let k = 0; k < count; k++) {
    const chars = [...(seeds[k % seeds.length] ?? '')];
    for (let edits = 1 + Math.floor(random() * maxEdits); edits > 0; edits--) {
      const at = Math.floor(random() * (chars.length + 1));
      const c = alphabet[Math.floor(random() * alphabet.length)] ?? '';
      const op = random();
      if (op < 0.4) chars.splice(at, 1, c);
      else if (op < 0.7) chars.splice(at, 0, c);
      else chars.splice(at, 1);
    }
    yield chars.join('');
  }
}
