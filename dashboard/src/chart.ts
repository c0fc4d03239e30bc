/**
 * Bar-like daily series with uPlot, loaded only when a page draws a chart (its own file, about 20 KB gzipped),
 * so the feed never downloads it. The caller also shows the numbers as a table: the canvas is decoration for
 * screen readers (aria-hidden), the table is the content.
 */
export interface DailySeries {
  readonly label: string;
  readonly days: readonly string[];
  readonly values: readonly number[];
}

export async function drawDaily(target: HTMLElement, series: DailySeries): Promise<() => void> {
  const { default: UPlot } = await import('uplot');
  target.textContent = '';
  const width = Math.max(280, Math.min(target.clientWidth || 640, 900));
  const chart = new UPlot(
    {
      width,
      height: 200,
      legend: { show: false },
      cursor: { show: false },
      scales: { x: { time: true } },
      axes: [{ stroke: '#333' }, { stroke: '#333' }],
      series: [{}, { label: series.label, stroke: '#0b5cad', fill: 'rgba(11, 92, 173, 0.15)', width: 2, points: { show: true } }],
    },
    [series.days.map((day) => Date.parse(`${day}T00:00:00Z`) / 1000), [...series.values]],
    target,
  );
  target.querySelector('.uplot')?.setAttribute('aria-hidden', 'true');
  return () => chart.destroy();
}

/** Counts per UTC day between the first and last day given, zeros included. */
export function perDay(isoTimes: readonly string[], days: number, now = Date.now()): { days: string[]; values: number[] } {
  const labels: string[] = [];
  for (let index = days - 1; index >= 0; index -= 1) labels.push(new Date(now - index * 86_400_000).toISOString().slice(0, 10));
  const counts = new Map(labels.map((label) => [label, 0]));
  for (const time of isoTimes) {
    const day = time.slice(0, 10);
    if (counts.has(day)) counts.set(day, (counts.get(day) ?? 0) + 1);
  }
  return { days: labels, values: labels.map((label) => counts.get(label) ?? 0) };
}
