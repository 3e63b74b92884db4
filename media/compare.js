// The comparison panel: best scores of several runs, mean ± std across them, per-split scores as a
// chart, the arguments that differ and whether runs with the same inputs reproduced each other.
const vscode = acquireVsCodeApi();
const app = document.getElementById('app');
let chart;

const { el, present } = globalThis.reprolabDom;
const fixed = (x) => (x === null || x === undefined ? '—' : Number(x).toFixed(4));
const show = (v) => (typeof v === 'string' ? v : JSON.stringify(v ?? null));
const css = (name) => getComputedStyle(document.body).getPropertyValue(name).trim();
const PALETTE = ['--vscode-charts-blue', '--vscode-charts-orange', '--vscode-charts-green', '--vscode-charts-purple', '--vscode-charts-red', '--vscode-charts-yellow'];

function render(c) {
  const select = el('vscode-single-select', { id: 'metric' }, c.metrics.map((m) => el('vscode-option', { value: m, selected: m === c.metric }, m)));
  select.addEventListener('change', (e) => vscode.postMessage({ type: 'metric', metric: e.target.value }));
  const verdicts = c.reproducibility.length
    ? c.reproducibility.map((r) => el('li', { class: r.reproduced ? 'ok' : 'bad' }, el('strong', {}, r.reproduced ? 'reproduced' : 'not reproduced'), `: ${r.runs.join(', ')}`, r.difference ? el('div', { class: 'hint' }, r.difference) : null))
    : [el('li', { class: 'hint' }, 'No two runs had the same image and arguments, so none was expected to reproduce another.')];
  app.replaceChildren(...present([
    el('h1', {}, `Comparison of ${c.runs.length} runs`),
    el('div', { class: 'bar' }, el('label', { for: 'metric' }, 'Metric'), select, el('span', { class: 'hint' }, `${c.better === 'lower' ? 'lower' : 'higher'} is better`)),
    el('p', { class: 'summary' }, `Best ${c.metric} across runs: `, el('strong', { id: 'across' }, `${fixed(c.acrossRuns.mean)} ± ${fixed(c.acrossRuns.std)}`), el('span', { class: 'hint' }, ` (mean ± sample std of ${c.acrossRuns.n} runs)`)),
    el('h2', {}, 'Reproducibility'),
    el('ul', { id: 'verdicts', class: 'verdicts' }, verdicts),
    el('h2', {}, 'Best candidate of each run'),
    el('table', {},
      el('thead', {}, el('tr', {}, el('th', {}, 'run'), el('th', {}, 'seed'), el('th', {}, c.metric), el('th', {}, 'parameters'))),
      el('tbody', {}, c.runs.map((r) => el('tr', {}, el('td', {}, r.label), el('td', {}, show(r.seed)), el('td', { class: 'score' }, r.best ? `${fixed(r.best.mean)} ± ${fixed(r.best.std)}` : '—'),
        el('td', {}, r.best ? Object.entries(r.best.params).map(([k, v]) => `${k}=${v}`).join(', ') : ''))))),
    el('h2', {}, 'Per-split scores of each best candidate'),
    el('div', { class: 'chart' }, el('canvas', { id: 'splits' })),
    c.argumentDifferences.length ? el('h2', {}, 'Arguments that differ') : null,
    c.argumentDifferences.length ? el('table', { id: 'differences' },
      el('thead', {}, el('tr', {}, el('th', {}, 'argument'), c.runs.map((r) => el('th', {}, r.label)))),
      el('tbody', {}, c.argumentDifferences.map((d) => el('tr', {}, el('td', {}, d.name), d.values.map((v) => el('td', {}, show(v))))))) : null,
    el('div', { class: 'actions' }, el('vscode-button', { id: 'export', onclick: () => vscode.postMessage({ type: 'export' }) }, 'Export as Markdown')),
  ]));
  chart?.destroy();
  const longest = Math.max(0, ...c.runs.map((r) => (r.best ? r.best.splits.length : 0)));
  chart = new window.Chart(document.getElementById('splits'), {
    type: 'line',
    data: {
      labels: Array.from({ length: longest }, (_, i) => String(i)),
      datasets: c.runs.map((r, i) => ({ label: r.label, data: r.best ? r.best.splits : [], borderColor: css(PALETTE[i % PALETTE.length]) || undefined, backgroundColor: css(PALETTE[i % PALETTE.length]) || undefined, pointRadius: 2, borderWidth: 1.5 })),
    },
    options: {
      animation: false, maintainAspectRatio: false,
      color: css('--vscode-foreground'),
      scales: {
        x: { title: { display: true, text: 'split', color: css('--vscode-descriptionForeground') }, ticks: { color: css('--vscode-descriptionForeground') }, grid: { color: css('--vscode-widget-border') || 'rgba(128,128,128,0.2)' } },
        y: { title: { display: true, text: c.metric, color: css('--vscode-descriptionForeground') }, ticks: { color: css('--vscode-descriptionForeground') }, grid: { color: css('--vscode-widget-border') || 'rgba(128,128,128,0.2)' } },
      },
      plugins: { legend: { labels: { color: css('--vscode-foreground') } } },
    },
  });
}

window.addEventListener('message', (event) => {
  const m = event.data;
  if (m && m.type === 'comparison') render(m.comparison);
  if (m && m.type === 'error') app.replaceChildren(el('p', { class: 'error' }, m.message));
});
vscode.postMessage({ type: 'ready' });
