/**
 * A stacked bar chart as numbers, before anything is drawn: what the console draws as SVG and the
 * daily report as a PNG. The scale, its steps, the stacked parts and which labels show are decided
 * here once, so the two pictures agree; a drawer only maps the model onto its pixels.
 */

/** One part of every column, bottom up: its name in the legend. */
export interface ChartSeries {
  label: string;
}

/** One stacked part of a column, in counts: it spans [from, to) of the scale. */
export interface ChartSegment {
  /** Index into the chart's series. */
  series: number;
  value: number;
  from: number;
  to: number;
}

export interface ChartColumn {
  label: string;
  /** Counts per series, in the series' order (bottom up), zeros included. */
  values: number[];
  total: number;
  /** The parts with a count, bottom up. */
  segments: ChartSegment[];
  /** Whether the axis prints this column's label: printing every one would crowd. */
  labelled: boolean;
}

export interface StackedChart {
  title: string;
  series: ChartSeries[];
  columns: ChartColumn[];
  /** The count axis: round steps from 0; the last one is the top of the scale. */
  ticks: number[];
  /** The count at the top of the scale (never 0, so an empty chart still has a scale). */
  max: number;
}

/** What a stacked chart is made of: counts per column in the order of the series. */
export interface StackedChartInput {
  title?: string;
  series: readonly ChartSeries[];
  columns: readonly { label?: string; values: readonly number[] }[];
  /** Label every n-th column counting back from the last, and the last itself (default 7: a week). */
  labelEvery?: number;
}

/** Lays out a stacked chart: totals, stacked parts, the round scale that fits the busiest column, the labels shown. */
export function stackedChart(input: StackedChartInput): StackedChart {
  const every = input.labelEvery ?? 7;
  const count = input.columns.length;
  const columns = input.columns.map((column, i): ChartColumn => {
    const values = input.series.map((_, s) => column.values[s] ?? 0);
    const segments: ChartSegment[] = [];
    let base = 0;
    values.forEach((value, series) => {
      if (value > 0) segments.push({ series, value, from: base, to: base + value });
      base += value;
    });
    return { label: column.label ?? '', values, total: base, segments, labelled: (count - 1 - i) % every === 0 };
  });
  const ticks = axisTicks(Math.max(0, ...columns.map((c) => c.total)));
  return { title: input.title ?? '', series: [...input.series], columns, ticks, max: ticks.at(-1)! };
}

/** Whole, round steps for a count axis (1, 2 or 5 times a power of ten), about four of them up to `max`. */
export function axisTicks(max: number): number[] {
  const rough = Math.max(1, max / 4);
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough)!;
  const top = Math.max(step, Math.ceil(max / step) * step);
  return Array.from({ length: top / step + 1 }, (_, i) => i * step);
}
