import { crc32, deflateSync } from 'node:zlib';
import { stackedChart, type StackedChart } from '../domain/chart.js';
import type { ReportChartPainter } from '../services/texts.js';

/** Colours of the stacked parts, as [r, g, b]; the legend in the caption names them. */
export type Rgb = readonly [number, number, number];

/**
 * The colours of the statuses bottom up, the same as the web console's: waiting amber, taken blue,
 * done green, cancelled grey.
 */
export const STATUS_COLOURS: readonly Rgb[] = [
  [230, 161, 0],
  [47, 128, 237],
  [39, 174, 96],
  [154, 160, 166],
];

const WIDTH = 560;
const HEIGHT = 280;
const MARGIN = 20;
const GAP = 8;
const BACKGROUND: Rgb = [255, 255, 255];
const GRID: Rgb = [225, 225, 225];
const AXIS: Rgb = [120, 120, 120];

/** The report's chart from its columns (each day's counts bottom up, in the order of the colours). */
export function renderStackedBars(columns: readonly (readonly number[])[], colours: readonly Rgb[]): Buffer {
  const parts = Math.max(colours.length, ...columns.map((c) => c.length));
  const series = Array.from({ length: parts }, () => ({ label: '' }));
  return stackedChartPng(stackedChart({ series, columns: columns.map((values) => ({ values })) }), colours);
}

/** The daily report's chart in the statuses' colours, the picture the outbox sends. */
export const drawReportChart: ReportChartPainter = (columns) => renderStackedBars(columns, STATUS_COLOURS);

/**
 * Draws a stacked chart's model as a PNG, pixel by pixel: no canvas, font or browser is needed on the
 * server, and the picture says at a glance what the report's numbers say. It carries no text (grid
 * lines at the scale's steps, the parts in their colours); the caption beside it names the days and
 * the colours.
 */
export function stackedChartPng(chart: StackedChart, colours: readonly Rgb[]): Buffer {
  const pixels = Buffer.alloc(WIDTH * HEIGHT * 3);
  const paint = (x0: number, y0: number, x1: number, y1: number, [r, g, b]: Rgb) => {
    for (let y = Math.max(0, y0); y < Math.min(HEIGHT, y1); y++) {
      for (let x = Math.max(0, x0); x < Math.min(WIDTH, x1); x++) {
        const i = (y * WIDTH + x) * 3;
        pixels[i] = r;
        pixels[i + 1] = g;
        pixels[i + 2] = b;
      }
    }
  };
  paint(0, 0, WIDTH, HEIGHT, BACKGROUND);

  const plotHeight = HEIGHT - 2 * MARGIN;
  const baseline = HEIGHT - MARGIN;
  const y = (count: number) => baseline - Math.round((count / chart.max) * plotHeight);
  for (const tick of chart.ticks.filter((t) => t > 0)) paint(MARGIN, y(tick), WIDTH - MARGIN, y(tick) + 1, GRID);

  const slot = (WIDTH - 2 * MARGIN) / Math.max(1, chart.columns.length);
  chart.columns.forEach((column, i) => {
    const x0 = Math.round(MARGIN + i * slot + GAP / 2);
    const x1 = Math.round(MARGIN + (i + 1) * slot - GAP / 2);
    for (const segment of column.segments) paint(x0, y(segment.to), x1, y(segment.from), colours[segment.series] ?? AXIS);
  });
  paint(MARGIN, baseline, WIDTH - MARGIN, baseline + 2, AXIS);
  return encodePng(WIDTH, HEIGHT, pixels);
}

/** An 8-bit RGB PNG: the signature, IHDR, one zlib-compressed IDAT, IEND. */
function encodePng(width: number, height: number, rgb: Buffer): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bits per channel
  header[9] = 2; // colour type: RGB
  // Every scanline starts with filter type 0 (none).
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) rgb.copy(raw, y * (width * 3 + 1) + 1, y * width * 3, (y + 1) * width * 3);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed) >>> 0);
  return Buffer.concat([length, typed, crc]);
}
