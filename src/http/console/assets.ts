/**
 * The console's stylesheet and its one small script, served by the app itself (no CDN: the console
 * must work on a closed network). Kept as modules so the build carries them along with the code.
 */

export const CONSOLE_CSS = `
:root { --fg: #1d2433; --muted: #5f6b7a; --line: #d9dee5; --bg: #f5f7fa; --card: #fff; --accent: #1f5fbf;
  --new: #e6a100; --claimed: #2f80ed; --done: #27ae60; --cancelled: #9aa0a6; --danger: #c0392b; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--accent); }
header.top { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 20px; padding: 10px 20px; background: #16325c; color: #fff; }
header.top .brand { font-weight: 600; margin-right: 8px; }
header.top nav { display: flex; flex-wrap: wrap; gap: 2px 4px; }
header.top nav a { color: #dfe8f7; text-decoration: none; padding: 4px 8px; border-radius: 4px; }
header.top nav a.active, header.top nav a:hover { background: rgba(255,255,255,.15); color: #fff; }
header.top .who { margin-left: auto; display: flex; align-items: center; gap: 10px; font-size: 14px; }
header.top .who button { background: transparent; color: #dfe8f7; border: 1px solid rgba(255,255,255,.4); }
main { max-width: 1180px; margin: 0 auto; padding: 20px; }
h1 { font-size: 22px; margin: 0 0 16px; }
h2 { font-size: 17px; margin: 0 0 10px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 16px 18px; margin-bottom: 16px; }
.grid { display: grid; gap: 16px; margin-bottom: 16px; }
.grid > .card { margin-bottom: 0; }
/* min(…, 100%): a column never asks for more than its window has. */
.grid.two { grid-template-columns: repeat(auto-fit, minmax(min(420px, 100%), 1fr)); }
/* Side by side only where each SVG of bars keeps its labels at reading size. */
.grid.two.wide { grid-template-columns: repeat(auto-fit, minmax(min(560px, 100%), 1fr)); }
.tiles { display: grid; gap: 12px; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); margin-bottom: 16px; }
.tile { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
/* A figure in words («меньше минуты») wraps between its words rather than leave its tile. */
.tile .value { font-size: 22px; line-height: 1.25; font-weight: 600; overflow-wrap: break-word; text-wrap: balance; }
.tile .label { color: var(--muted); font-size: 13px; }
.tile.alert .value { color: var(--danger); }
.muted { color: var(--muted); }
.notice { padding: 10px 14px; border-radius: 6px; margin-bottom: 16px; background: #e8f4ec; border: 1px solid #b6dcc3; }
.notice.error { background: #fbeaea; border-color: #efc0bb; }
table { width: 100%; border-collapse: collapse; background: var(--card); }
th, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 13px; color: var(--muted); font-weight: 600; }
tr:hover td { background: #f0f4fa; }
/* A long @username breaks rather than push the revoke button off a phone's screen. */
table.people td.person { overflow-wrap: anywhere; }
table.people td.revoke { width: 1%; white-space: nowrap; text-align: right; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 13px; color: #fff; white-space: nowrap; }
.badge.new { background: var(--new); } .badge.claimed { background: var(--claimed); } .badge.done { background: var(--done); } .badge.cancelled { background: var(--cancelled); }
form.filters { display: flex; flex-wrap: wrap; gap: 10px; align-items: flex-end; margin-bottom: 14px; }
form.filters label { display: flex; flex-direction: column; font-size: 13px; color: var(--muted); gap: 3px; }
label { font-weight: 500; }
input, select, textarea, button { font: inherit; }
input[type=text], input[type=number], input[type=tel], input[type=date], select, textarea { padding: 6px 8px; border: 1px solid #b9c2ce; border-radius: 5px; background: #fff; min-width: 0; }
textarea { width: 100%; min-height: 80px; }
button, .button { display: inline-block; padding: 7px 14px; border-radius: 5px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; text-decoration: none; }
button.secondary, .button.secondary { background: #fff; color: var(--accent); }
button.danger { background: var(--danger); border-color: var(--danger); }
.field { margin-bottom: 16px; }
.field .question { display: block; margin-bottom: 6px; }
.field .choices { display: flex; flex-wrap: wrap; gap: 6px 16px; }
.field .choices label { font-weight: 400; }
.field input[type=text], .field input[type=tel], .field input[type=number] { width: min(100%, 420px); }
.field .error { color: var(--danger); font-size: 14px; margin-top: 4px; }
.field.invalid input, .field.invalid textarea, .field.invalid select { border-color: var(--danger); }
.field[hidden] { display: none; }
dl.fields { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
dl.fields dt { color: var(--muted); }
dl.fields dd { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; min-width: 0; }
ol.history { margin: 0; padding-left: 20px; }
ol.history li { margin-bottom: 4px; }
ol.history .comment { color: var(--muted); font-style: italic; }
.actions { display: grid; gap: 12px; grid-template-columns: repeat(auto-fit, minmax(min(260px, 100%), 1fr)); }
.actions form { display: flex; flex-direction: column; gap: 6px; }
.pager { display: flex; gap: 10px; align-items: center; margin-top: 12px; }
svg.chart { width: 100%; height: auto; display: block; overflow: visible; }
.chart-bars svg.chart { max-width: 720px; }
svg.chart .grid { stroke: #e6e9ee; } svg.chart .axis-line { stroke: #9aa3ae; }
svg.chart .axis { fill: var(--muted); }
svg.chart text { fill: var(--fg); }
svg.chart .s-new { fill: var(--new); } svg.chart .s-claimed { fill: var(--claimed); } svg.chart .s-done { fill: var(--done); } svg.chart .s-cancelled { fill: var(--cancelled); }
svg.chart .bar { fill: #5b8fd6; } svg.chart .bar-alt { fill: #7aa874; }
ul.legend { display: none; flex-wrap: wrap; gap: 4px 16px; list-style: none; margin: 0 0 8px; padding: 0; font-size: 14px; }
ul.legend .swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 6px; vertical-align: -1px; }
.swatch.s-new { background: var(--new); } .swatch.s-claimed { background: var(--claimed); } .swatch.s-done { background: var(--done); } .swatch.s-cancelled { background: var(--cancelled); }
ol.bar-list { display: none; list-style: none; margin: 0; padding: 0; }
ol.bar-list li { display: grid; grid-template-columns: 1fr auto; gap: 2px 10px; align-items: center; margin-bottom: 8px; font-size: 14px; }
ol.bar-list .bar-label { grid-column: 1 / -1; }
ol.bar-list .bar-count { font-variant-numeric: tabular-nums; }
ol.bar-list meter { width: 100%; height: 12px; appearance: none; -webkit-appearance: none; background: #eef1f5; border-radius: 2px; }
ol.bar-list meter::-webkit-meter-bar { background: #eef1f5; border: 0; border-radius: 2px; height: 12px; }
ol.bar-list meter.bar::-webkit-meter-optimum-value { background: #5b8fd6; border-radius: 2px; }
ol.bar-list meter.bar-alt::-webkit-meter-optimum-value { background: #7aa874; border-radius: 2px; }
ol.bar-list meter.bar::-moz-meter-bar { background: #5b8fd6; } ol.bar-list meter.bar-alt::-moz-meter-bar { background: #7aa874; }
.chat { display: flex; flex-direction: column; gap: 8px; max-width: 640px; }
.bubble { padding: 8px 12px; border-radius: 12px; white-space: pre-wrap; max-width: 85%; }
.bubble.bot { background: #fff; border: 1px solid var(--line); align-self: flex-start; }
.bubble.person { background: #d8ebff; align-self: flex-end; }
.chat-controls { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 10px; max-width: 640px; }
.chat-controls form { display: inline; }
.chat-controls .say { display: flex; gap: 6px; width: 100%; }
.chat-controls .say input { flex: 1; }
pre.problem { white-space: pre-wrap; background: #fbeaea; padding: 10px; border-radius: 6px; }
.login { max-width: 460px; margin: 60px auto; }

/*
 * Phones and narrow windows. The charts scale with their card: their text is sized here in the SVG's
 * own units, so that scaled it still reads at about 10 px or more (the per-day chart is 760 units
 * wide, about 300–650 px here); the SVG legend and bars give way to their HTML versions.
 */
@media (max-width: 720px) {
  header.top { padding: 8px 12px; gap: 4px 12px; }
  header.top .brand { width: 100%; }
  header.top nav a { display: inline-block; padding: 6px 8px; }
  header.top .who { margin-left: 0; flex-wrap: wrap; }
  main { padding: 12px; }
  main.login { margin: 24px auto; }
  .card { padding: 12px 14px; }
  h1 { font-size: 20px; }
  button, .button { padding: 9px 14px; }
  .tiles { grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 10px; }
  .tile .value { font-size: 20px; }
  form.filters label { flex: 1 1 140px; min-width: 0; }
  form.filters label select, form.filters label input[type=text], form.filters label input[type=date] { width: 100%; }
  form.filters h2 { flex: 1 1 100%; }
  dl.fields { grid-template-columns: minmax(0, 1fr); gap: 0; }
  dl.fields dt { font-size: 13px; }
  dl.fields dd { margin-bottom: 8px; }
  .actions { gap: 20px; }
  .field .choices { gap: 2px 16px; }
  .field .choices label { padding: 4px 0; }
  .chat-controls .say input { min-width: 0; }
  /* The board as a list of cards: a row per request, each cell a line titled by its column. */
  table.board, table.board tbody, table.board tr, table.board td { display: block; }
  table.board { background: transparent; }
  table.board thead { display: none; }
  table.board tr { display: grid; grid-template-columns: 1fr auto; gap: 2px 10px; background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; margin-bottom: 10px; }
  table.board td { padding: 0; border: 0; grid-column: 1 / -1; }
  table.board td:empty { display: none; }
  table.board td.number { grid-column: 1; font-weight: 600; font-size: 16px; }
  table.board td.status { grid-column: 2; grid-row: 1; }
  table.board td[data-label]::before { content: attr(data-label) ": "; color: var(--muted); font-size: 13px; }
  tr:hover td { background: transparent; }
  .chart-columns svg.chart text { font-size: 16px; }
  .chart-columns svg.chart > rect, .chart-columns svg.chart > text:not(.axis) { display: none; }
  ul.legend { display: flex; }
  .chart-bars svg.chart { display: none; }
  ol.bar-list { display: block; }
}
@media (max-width: 540px) {
  .chart-columns svg.chart text { font-size: 26px; }
  /* The days under the axis, moved down by what their larger letters grew, off the axis line. */
  .chart-columns svg.chart text.axis[text-anchor="middle"] { transform: translateY(8px); }
}
@media print { header.top, .no-print { display: none; } body { background: #fff; } }
`;

/**
 * Shows a question of the intake form only while its condition holds (the medicine question only
 * for medicine), as the conversation asks it only then. Without script every question shows and the
 * server ignores the answers that do not apply.
 */
export const CONSOLE_JS = `
(function () {
  var form = document.querySelector('form[data-intake]');
  if (!form) return;
  function value(name) {
    var checked = form.querySelector('[name="' + name + '"]:checked');
    if (checked) return checked.value;
    var field = form.querySelector('select[name="' + name + '"]');
    return field ? field.value : '';
  }
  function update() {
    form.querySelectorAll('[data-when-step]').forEach(function (el) {
      var answer = value(el.getAttribute('data-when-step'));
      var list = (el.getAttribute('data-when-values') || '').split(',');
      var within = list.indexOf(answer) >= 0;
      el.hidden = el.getAttribute('data-when-mode') === 'in' ? !within : within || answer === '';
    });
  }
  form.addEventListener('change', update);
  update();
})();
`;

/**
 * The console's icon: a white cross on the header's blue, drawn inline so no icon is fetched from
 * anywhere else, and a browser's tab tells the console apart without a request for /favicon.ico.
 */
export const CONSOLE_FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">
<rect width="32" height="32" rx="6" fill="#16325c"/>
<path d="M13 6h6v7h7v6h-7v7h-6v-7H6v-6h7z" fill="#fff"/>
</svg>
`;
