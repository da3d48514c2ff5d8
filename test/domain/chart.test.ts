import { describe, expect, it } from 'vitest';
import { axisTicks, stackedChart } from '../../src/domain/chart.js';

const series = [{ label: 'waiting' }, { label: 'taken' }, { label: 'done' }];

describe('axisTicks', () => {
  it('steps by 1, 2 or 5 times a power of ten, about four steps, the top at or above the busiest count', () => {
    expect(axisTicks(0)).toEqual([0, 1]);
    expect(axisTicks(4)).toEqual([0, 1, 2, 3, 4]);
    expect(axisTicks(7)).toEqual([0, 2, 4, 6, 8]);
    expect(axisTicks(13)).toEqual([0, 5, 10, 15]);
    expect(axisTicks(100)).toEqual([0, 50, 100]);
    expect(axisTicks(230)).toEqual([0, 100, 200, 300]);
  });
});

describe('stackedChart', () => {
  it('stacks each column bottom up in the order of the series, leaving out empty parts', () => {
    const chart = stackedChart({ series, columns: [{ label: 'Mon', values: [2, 0, 3] }] });
    expect(chart.columns[0]).toMatchObject({ label: 'Mon', values: [2, 0, 3], total: 5 });
    expect(chart.columns[0]!.segments).toEqual([
      { series: 0, value: 2, from: 0, to: 2 },
      { series: 2, value: 3, from: 2, to: 5 },
    ]);
  });

  it('fills missing counts with zeros and drops counts beyond the series', () => {
    const chart = stackedChart({ series, columns: [{ values: [1] }, { values: [1, 1, 1, 9] }] });
    expect(chart.columns.map((c) => c.values)).toEqual([
      [1, 0, 0],
      [1, 1, 1],
    ]);
    expect(chart.columns.map((c) => c.total)).toEqual([1, 3]);
  });

  it('sets the scale to the round step at or above the busiest column', () => {
    const chart = stackedChart({ series, columns: [{ values: [3, 4, 0] }, { values: [1, 0, 0] }] });
    expect(chart.ticks).toEqual([0, 2, 4, 6, 8]);
    expect(chart.max).toBe(8);
  });

  it('keeps a scale for a chart with nothing in it', () => {
    const chart = stackedChart({ series, columns: [{ values: [0, 0, 0] }] });
    expect(chart.max).toBe(1);
    expect(chart.columns[0]!.segments).toEqual([]);
    expect(stackedChart({ series, columns: [] })).toMatchObject({ columns: [], max: 1 });
  });

  it('labels every n-th column counting back from the last, and the last', () => {
    const columns = Array.from({ length: 10 }, (_, i) => ({ label: `d${i}`, values: [i] }));
    const labelled = (every?: number) =>
      stackedChart({ series, columns, ...(every ? { labelEvery: every } : {}) })
        .columns.filter((c) => c.labelled)
        .map((c) => c.label);
    expect(labelled()).toEqual(['d2', 'd9']);
    expect(labelled(3)).toEqual(['d0', 'd3', 'd6', 'd9']);
    expect(labelled(1)).toHaveLength(10);
  });
});
