import { html } from './html';
import type { Signal } from './score';

/** The score with its signals, shown on hover and on keyboard focus (a focusable element, described by the list). */
export function ScoreBadge({ id, score, signals }: { id: string; score: number; signals: readonly Signal[] }) {
  const tipId = `score-${id}`;
  return html`<span class="score">
    <button type="button" class="score-value" aria-describedby=${tipId}>${score}<span class="visually-hidden"> out of 100</span></button>
    <span role="tooltip" id=${tipId} class="tip">
      <strong>Score ${score} of 100</strong>
      <ul>${signals.map((signal) => html`<li>+${signal.points}: ${signal.label}</li>`)}</ul>
    </span>
  </span>`;
}
