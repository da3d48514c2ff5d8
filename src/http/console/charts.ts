import { stackedChart, type StackedChart } from '../../domain/chart.js';
import { escapeHtml, raw, type Html } from './html.js';

/**
 * Charts as inline SVG drawn on the server: no chart library, no script, nothing fetched, so the
 * dashboard works on a closed network and prints as it looks. Every bar has a <title> (a tooltip,
 * and what a screen reader says).
 */

/** One series of the console's stacked chart: its key in the day's counts, its name in the legend and the CSS class that colours it. */
export interface Series {
  key: string;
  label: string;
  className: string;
}

const FONT = 'font-family="system-ui, sans-serif" font-size="12"';

/** Columns per day, each stacked by series (requests per day by status). */
export function stackedColumns(options: {
  title: string;
  days: { label: string; values: Record<string, number> }[];
  series: Series[];
  /** Which day labels to print under the axis (every one would crowd). */
  labelEvery?: number;
}): Html {
  const chart = stackedChart({
    title: options.title,
    series: options.series,
    columns: options.days.map((day) => ({ label: day.label, values: options.series.map((s) => day.values[s.key] ?? 0) })),
    ...(options.labelEvery ? { labelEvery: options.labelEvery } : {}),
  });
  return stackedChartSvg(
    chart,
    options.series.map((s) => s.className),
  );
}

/** Draws a stacked chart's model: grid and counts at its ticks, its parts, a tooltip per column, its labels and legend. */
export function stackedChartSvg(chart: StackedChart, classNames: readonly string[]): Html {
  const width = 760;
  const height = 280;
  const left = 36;
  const right = 8;
  const top = 28;
  const bottom = 40;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const slot = plotW / Math.max(1, chart.columns.length);
  const barW = Math.max(2, slot * 0.7);
  const y = (value: number) => top + plotH - (value / chart.max) * plotH;
  const parts: string[] = [];

  for (const value of chart.ticks) {
    const gy = y(value).toFixed(1);
    parts.push(`<line class="grid" x1="${left}" x2="${width - right}" y1="${gy}" y2="${gy}"/>`);
    parts.push(`<text class="axis" x="${left - 6}" y="${gy}" text-anchor="end" dominant-baseline="middle" ${FONT}>${value}</text>`);
  }
  chart.columns.forEach((column, i) => {
    const x = left + i * slot + (slot - barW) / 2;
    const tip = [column.label, ...chart.series.map((s, k) => `${s.label}: ${column.values[k]}`)].join('\n');
    parts.push(`<g><title>${escapeHtml(tip)}</title>`);
    for (const segment of column.segments) {
      parts.push(
        `<rect class="${classNames[segment.series] ?? ''}" x="${x.toFixed(1)}" y="${y(segment.to).toFixed(1)}" width="${barW.toFixed(1)}" height="${(y(segment.from) - y(segment.to)).toFixed(1)}"/>`,
      );
    }
    // A transparent column over the whole height, so the tooltip shows on empty days too.
    parts.push(`<rect fill="transparent" x="${(left + i * slot).toFixed(1)}" y="${top}" width="${slot.toFixed(1)}" height="${plotH}"/></g>`);
    if (column.labelled) {
      parts.push(
        `<text class="axis" x="${(x + barW / 2).toFixed(1)}" y="${height - bottom + 16}" text-anchor="middle" ${FONT}>${escapeHtml(column.label)}</text>`,
      );
    }
  });
  parts.push(`<line class="axis-line" x1="${left}" x2="${width - right}" y1="${top + plotH}" y2="${top + plotH}"/>`);
  let lx = left;
  chart.series.forEach((s, k) => {
    parts.push(`<rect class="${classNames[k] ?? ''}" x="${lx}" y="6" width="12" height="12" rx="2"/>`);
    parts.push(`<text x="${lx + 16}" y="16" ${FONT}>${escapeHtml(s.label)}</text>`);
    // No text measuring on the server: a generous width per character keeps the entries apart.
    lx += 36 + s.label.length * 8;
  });
  return raw(
    `<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(chart.title)}" xmlns="http://www.w3.org/2000/svg"><title>${escapeHtml(chart.title)}</title>${parts.join('')}</svg>`,
  );
}

/** Horizontal bars with their labels and counts (requests by district, by kind of help). */
export function horizontalBars(options: { title: string; items: { label: string; value: number }[]; className: string; empty: string }): Html {
  if (options.items.length === 0) return raw(`<p class="muted">${escapeHtml(options.empty)}</p>`);
  const width = 560;
  const labelW = 260;
  const countW = 40;
  const row = 24;
  const height = options.items.length * row + 8;
  const max = Math.max(1, ...options.items.map((i) => i.value));
  const barMax = width - labelW - countW - 8;
  const parts = options.items.map((item, i) => {
    const y = 4 + i * row;
    const w = Math.max(item.value > 0 ? 2 : 0, (item.value / max) * barMax);
    const label = item.label.length > 34 ? `${item.label.slice(0, 33)}…` : item.label;
    return (
      `<g><title>${escapeHtml(`${item.label}: ${item.value}`)}</title>` +
      `<text x="${labelW - 8}" y="${y + row / 2}" text-anchor="end" dominant-baseline="middle" ${FONT}>${escapeHtml(label)}</text>` +
      `<rect class="${options.className}" x="${labelW}" y="${y + 4}" width="${w.toFixed(1)}" height="${row - 8}" rx="2"/>` +
      `<text x="${(labelW + w + 6).toFixed(1)}" y="${y + row / 2}" dominant-baseline="middle" ${FONT}>${item.value}</text></g>`
    );
  });
  return raw(
    `<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(options.title)}" xmlns="http://www.w3.org/2000/svg"><title>${escapeHtml(options.title)}</title>${parts.join('')}</svg>`,
  );
}
