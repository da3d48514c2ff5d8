import { inflateSync } from 'node:zlib';
import { expect, it } from 'vitest';
import { renderStackedBars, STATUS_COLOURS } from '../../src/messages/report-chart.js';

/** Reads back the pixels of the 8-bit RGB PNG the chart writes (filter type 0 on every line). */
function decode(png: Buffer): { width: number; height: number; at: (x: number, y: number) => number[] } {
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const idat: Buffer[] = [];
  for (let offset = 8; offset < png.length; ) {
    const length = png.readUInt32BE(offset);
    if (png.toString('latin1', offset + 4, offset + 8) === 'IDAT') idat.push(png.subarray(offset + 8, offset + 8 + length));
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const at = (x: number, y: number) => {
    const i = y * (width * 3 + 1) + 1 + x * 3;
    return [raw[i]!, raw[i + 1]!, raw[i + 2]!];
  };
  return { width, height, at };
}

it('draws each day as a bar of its statuses stacked bottom up, the busiest day full height', () => {
  // Day 1: two waiting, two done; day 2: nothing; day 3: four cancelled.
  const { width, height, at } = decode(
    renderStackedBars(
      [
        [2, 0, 2, 0],
        [0, 0, 0, 0],
        [0, 0, 0, 4],
      ],
      STATUS_COLOURS,
    ),
  );
  expect([width, height]).toEqual([560, 280]);
  const column = (i: number) => Math.round(20 + (i + 0.5) * ((560 - 40) / 3));
  expect(at(column(0), 250)).toEqual([...STATUS_COLOURS[0]!]); // the lower half of day 1: waiting
  expect(at(column(0), 60)).toEqual([...STATUS_COLOURS[2]!]); // its upper half: done
  expect(at(column(1), 250)).toEqual([255, 255, 255]); // day 2: no bar
  expect(at(column(2), 30)).toEqual([...STATUS_COLOURS[3]!]); // day 3 reaches the top
});

it('draws on the same round scale as the console: a busiest day of 7 reaches 7/8 of the height, grid lines at every 2', () => {
  const { at } = decode(
    renderStackedBars(
      [
        [7, 0, 0, 0],
        [1, 0, 0, 0],
      ],
      STATUS_COLOURS,
    ),
  );
  const column = (i: number) => Math.round(20 + (i + 0.5) * ((560 - 40) / 2));
  const plot = 280 - 40;
  const rowOf = (count: number) => 260 - Math.round((count / 8) * plot);
  expect(at(column(0), rowOf(7))).toEqual([...STATUS_COLOURS[0]!]); // the top row of the bar
  expect(at(column(0), rowOf(7) - 1)).toEqual([255, 255, 255]); // and just above it, the background
  expect(at(column(1), rowOf(4))).toEqual([225, 225, 225]); // the grid line at 4, above the small day
  expect(at(column(1), rowOf(4) + 1)).toEqual([255, 255, 255]);
});
