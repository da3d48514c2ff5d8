import { expect, it } from 'vitest';
import { stackedColumns } from '../../src/http/console/charts.js';

const series = [
  { key: 'new', label: 'waiting', className: 's-new' },
  { key: 'done', label: 'done', className: 's-done' },
];

it('draws the stacked chart on the model’s round scale: counts at each step, parts bottom up, a tooltip per day', () => {
  const svg = String(
    stackedColumns({
      title: 'Per day',
      days: [
        { label: '01.03', values: { new: 3, done: 4 } },
        { label: '02.03', values: { new: 1 } },
      ],
      series,
    }),
  );
  const axis = [...svg.matchAll(/<text class="axis" x="30"[^>]*>(\d+)<\/text>/g)].map((m) => Number(m[1]));
  expect(axis).toEqual([0, 2, 4, 6, 8]);
  // The plot is 212 high from y = 28: 3 waiting fill 3/8 of it from the bottom, 4 done sit on top.
  expect(svg).toContain('<rect class="s-new" x="89.7" y="160.5" width="250.6" height="79.5"/>');
  expect(svg).toContain('<rect class="s-done" x="89.7" y="54.5" width="250.6" height="106.0"/>');
  expect(svg).toContain('<title>02.03\nwaiting: 1\ndone: 0</title>');
  expect(svg.match(/class="s-done"/g)).toHaveLength(2); // one part and the legend: the empty part is not drawn
});
