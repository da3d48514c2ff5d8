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
header.top nav a { color: #dfe8f7; text-decoration: none; padding: 4px 8px; border-radius: 4px; }
header.top nav a.active, header.top nav a:hover { background: rgba(255,255,255,.15); color: #fff; }
header.top .who { margin-left: auto; display: flex; align-items: center; gap: 10px; font-size: 14px; }
header.top .who button { background: transparent; color: #dfe8f7; border: 1px solid rgba(255,255,255,.4); }
main { max-width: 1180px; margin: 0 auto; padding: 20px; }
h1 { font-size: 22px; margin: 0 0 16px; }
h2 { font-size: 17px; margin: 0 0 10px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 16px 18px; margin-bottom: 16px; }
.grid { display: grid; gap: 16px; }
.grid.two { grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); }
.tiles { display: grid; gap: 12px; grid-template-columns: repeat(auto-fit, minmax(160px, 1fr)); margin-bottom: 16px; }
.tile { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
.tile .value { font-size: 22px; font-weight: 600; white-space: nowrap; }
.tile .label { color: var(--muted); font-size: 13px; }
.tile.alert .value { color: var(--danger); }
.muted { color: var(--muted); }
.notice { padding: 10px 14px; border-radius: 6px; margin-bottom: 16px; background: #e8f4ec; border: 1px solid #b6dcc3; }
.notice.error { background: #fbeaea; border-color: #efc0bb; }
table { width: 100%; border-collapse: collapse; background: var(--card); }
th, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 13px; color: var(--muted); font-weight: 600; }
tr:hover td { background: #f0f4fa; }
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
dl.fields dd { margin: 0; white-space: pre-wrap; }
ol.history { margin: 0; padding-left: 20px; }
ol.history li { margin-bottom: 4px; }
ol.history .comment { color: var(--muted); font-style: italic; }
.actions { display: grid; gap: 12px; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); }
.actions form { display: flex; flex-direction: column; gap: 6px; }
.pager { display: flex; gap: 10px; align-items: center; margin-top: 12px; }
svg.chart { width: 100%; height: auto; display: block; }
svg.chart .grid { stroke: #e6e9ee; } svg.chart .axis-line { stroke: #9aa3ae; }
svg.chart .axis { fill: var(--muted); }
svg.chart text { fill: var(--fg); }
svg.chart .s-new { fill: var(--new); } svg.chart .s-claimed { fill: var(--claimed); } svg.chart .s-done { fill: var(--done); } svg.chart .s-cancelled { fill: var(--cancelled); }
svg.chart .bar { fill: #5b8fd6; } svg.chart .bar-alt { fill: #7aa874; }
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
