// The Scores view: the top candidates of a run's cv_results.csv, one metric at a time, with the
// run's seed and arguments. Everything shown comes from messages of the extension; no remote resources.
const vscode = acquireVsCodeApi();
const app = document.getElementById('app');
let data;
let metric = (vscode.getState() || {}).metric;

const { el, present } = globalThis.reprolabDom;
const fixed = (x, d = 4) => (x === null || x === undefined ? '—' : Number(x).toFixed(d));

function render() {
  if (!data) return;
  if (data.error) {
    app.replaceChildren(el('p', { class: 'error' }, data.error), el('p', { class: 'hint' }, data.where || ''));
    return;
  }
  const m = data.metrics.find((x) => x.name === metric) || data.metrics[0];
  metric = m.name;
  vscode.setState({ metric });
  const select = el('vscode-single-select', { id: 'metric' }, data.metrics.map((x) => el('vscode-option', { value: x.name, selected: x.name === m.name }, x.name)));
  select.addEventListener('change', (e) => { metric = e.target.value; render(); });
  const seed = data.seed === null || data.seed === undefined ? 'none' : String(data.seed);
  app.replaceChildren(...present([
    el('div', { class: 'title' }, el('strong', {}, data.label), el('span', { class: 'hint' }, ` · seed ${seed} · ${data.rows} candidates`)),
    el('div', { class: 'bar' }, el('label', { for: 'metric' }, 'Metric'), select,
      el('span', { class: 'hint' }, `${m.better === 'lower' ? 'lower' : 'higher'} is better${m.failedFits ? ` · ${m.failedFits} failed fit${m.failedFits === 1 ? '' : 's'}` : ''}`)),
    el('table', { id: 'top' },
      el('thead', {}, el('tr', {}, el('th', {}, 'Rank'), el('th', {}, m.name), el('th', {}, 'parameters'))),
      el('tbody', {}, m.top.map((c) => el('tr', {},
        el('td', {}, c.rank === null ? '—' : String(c.rank)),
        el('td', { class: 'score' }, `${fixed(c.mean)} ± ${fixed(c.std)}`),
        el('td', { class: 'params' }, Object.entries(c.params).map(([k, v]) => el('span', { class: 'param' }, `${k}=${v}`))))))),
    data.args ? el('vscode-collapsible', { title: 'Arguments (args.yaml)' },
      el('table', { class: 'args' }, Object.entries(data.args).map(([k, v]) => el('tr', {}, el('td', {}, k), el('td', {}, typeof v === 'string' ? v : JSON.stringify(v)))))) : null,
    data.warnings.length ? el('ul', { class: 'warnings' }, data.warnings.map((w) => el('li', {}, w))) : null,
    el('div', { class: 'actions' },
      el('vscode-button', { secondary: true, onclick: () => vscode.postMessage({ type: 'open', what: 'csv' }) }, 'Open cv_results.csv')),
  ]));
}

window.addEventListener('message', (event) => {
  const m = event.data;
  if (m && m.type === 'show') {
    data = m;
    render();
  }
});
vscode.postMessage({ type: 'ready' });
