import { escapeHtml, raw, type Html } from './html.js';

/**
 * Charts as inline SVG drawn on the server: no chart library, no script, nothing fetched, so the
 * dashboard works on a closed network and prints as it looks. Every bar has a <title> (a tooltip,
 * and what a screen reader says).
 */

/** One series of a stacked chart: its name in the legend and the CSS class that colours it. */
export interface Series {
  key: string;
  label: string;
  className: string;
}

const FONT = 'font-family="system-ui, sans-serif" font-size="12"';

/** Whole, round steps for a count axis (1, 2 or 5 times a power of ten), about four of them up to `max`. */
export function axisTicks(max: number): number[] {
  const rough = Math.max(1, max / 4);
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough)!;
  const top = Math.max(step, Math.ceil(max / step) * step);
  return Array.from({ length: top / step + 1 }, (_, i) => i * step);
}

/** Columns per day, each stacked by series (requests per day by status). */
export function stackedColumns(options: {
  title: string;
  days: { label: string; values: Record<string, number> }[];
  series: Series[];
  /** Which day labels to print under the axis (every one would crowd). */
  labelEvery?: number;
}): Html {
  const width = 760;
  const height = 280;
  const left = 36;
  const right = 8;
  const top = 28;
  const bottom = 40;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const totals = options.days.map((d) => options.series.reduce((sum, s) => sum + (d.values[s.key] ?? 0), 0));
  const ticks = axisTicks(Math.max(0, ...totals));
  const max = ticks.at(-1)!;
  const slot = plotW / Math.max(1, options.days.length);
  const barW = Math.max(2, slot * 0.7);
  const y = (value: number) => top + plotH - (value / max) * plotH;
  const parts: string[] = [];

  for (const value of ticks) {
    const gy = y(value).toFixed(1);
    parts.push(`<line class="grid" x1="${left}" x2="${width - right}" y1="${gy}" y2="${gy}"/>`);
    parts.push(`<text class="axis" x="${left - 6}" y="${gy}" text-anchor="end" dominant-baseline="middle" ${FONT}>${value}</text>`);
  }
  const every = options.labelEvery ?? 7;
  options.days.forEach((day, i) => {
    const x = left + i * slot + (slot - barW) / 2;
    let base = 0;
    const tip = [day.label, ...options.series.map((s) => `${s.label}: ${day.values[s.key] ?? 0}`)].join('\n');
    parts.push(`<g><title>${escapeHtml(tip)}</title>`);
    for (const s of options.series) {
      const value = day.values[s.key] ?? 0;
      if (value > 0) {
        parts.push(`<rect class="${s.className}" x="${x.toFixed(1)}" y="${y(base + value).toFixed(1)}" width="${barW.toFixed(1)}" height="${(y(base) - y(base + value)).toFixed(1)}"/>`);
      }
      base += value;
    }
    // A transparent column over the whole height, so the tooltip shows on empty days too.
    parts.push(`<rect fill="transparent" x="${(left + i * slot).toFixed(1)}" y="${top}" width="${slot.toFixed(1)}" height="${plotH}"/></g>`);
    const last = i === options.days.length - 1;
    if ((options.days.length - 1 - i) % every === 0 || last) {
      parts.push(`<text class="axis" x="${(x + barW / 2).toFixed(1)}" y="${height - bottom + 16}" text-anchor="middle" ${FONT}>${escapeHtml(day.label)}</text>`);
    }
  });
  parts.push(`<line class="axis-line" x1="${left}" x2="${width - right}" y1="${top + plotH}" y2="${top + plotH}"/>`);
  let lx = left;
  for (const s of options.series) {
    parts.push(`<rect class="${s.className}" x="${lx}" y="6" width="12" height="12" rx="2"/>`);
    parts.push(`<text x="${lx + 16}" y="16" ${FONT}>${escapeHtml(s.label)}</text>`);
    // No text measuring on the server: a generous width per character keeps the entries apart.
    lx += 36 + s.label.length * 8;
  }
  return raw(
    `<svg class="chart" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(options.title)}" xmlns="http://www.w3.org/2000/svg"><title>${escapeHtml(options.title)}</title>${parts.join('')}</svg>`,
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
