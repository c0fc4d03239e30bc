import { html } from './html';
import type { Signal } from './score';

/**
 * The score with its signals, shown on hover and on keyboard focus (a focusable element, described by the tip).
 * The signals are lines of one text, not a list: the feed draws a badge on each of its 100 rows, and a list would
 * add six elements to every row for a tip that is hidden until asked for.
 */
export function ScoreBadge({ id, score, signals }: { id: string; score: number; signals: readonly Signal[] }) {
  const tipId = `score-${id}`;
  return html`<span class="score">
    <button type="button" class="score-value" aria-label=${`Score ${score} out of 100`} aria-describedby=${tipId}>${score}</button>
    <span role="tooltip" id=${tipId} class="tip"><strong>Score ${score} of 100</strong>${signals.map((signal) => `\n+${signal.points}: ${signal.label}`).join('')}</span>
  </span>`;
}
