// The run form webview: renders the form schema the extension sends, reports every change back,
// and shows the command preview and warnings the extension computes. No remote resources.
const vscode = acquireVsCodeApi();
const app = document.getElementById('app');
let schema;
let state;

const { el, present } = globalThis.reprolabDom;
const OUTPUT_DEST = /^(output[_-]?dir|out[_-]?dir|output)$/i;

function send() {
  vscode.postMessage({ type: 'update', values: state.values, name: state.name, target: state.target, slurm: state.slurm, cleanenv: state.cleanenv, nv: state.nv, outputRoot: state.outputRoot });
}

function setValue(dest, value) {
  if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) delete state.values[dest];
  else state.values[dest] = value;
  send();
}

const isList = (o) => o.nargs === '+' || o.nargs === '*' || (typeof o.nargs === 'number' && o.nargs > 1);
const defaultText = (o) => ('default' in o && o.default !== null ? `default ${JSON.stringify(o.default)}` : 'default');

function control(o) {
  const value = state.values[o.dest];
  const id = `opt-${o.dest}`;
  if (o.kind === 'flag') {
    return el('vscode-checkbox', { id, checked: value === true, onchange: (e) => setValue(o.dest, e.target.checked ? true : undefined) }, o.flags[o.flags.length - 1]);
  }
  if (o.kind === 'boolean') {
    // Three states: leave to the image's default, or force --x / --no-x.
    const current = value === true ? 'yes' : value === false ? 'no' : 'default';
    const select = el('vscode-single-select', { id, 'data-dest': o.dest },
      el('vscode-option', { value: 'default', selected: current === 'default' }, `${defaultText(o)} (not passed)`),
      el('vscode-option', { value: 'yes', selected: current === 'yes' }, `yes: ${o.flags.find((f) => f.startsWith('--')) ?? o.flags[0]}`),
      el('vscode-option', { value: 'no', selected: current === 'no' }, `no: ${o.negative}`));
    select.addEventListener('change', (e) => setValue(o.dest, e.target.value === 'yes' ? true : e.target.value === 'no' ? false : undefined));
    return select;
  }
  if (o.choices && isList(o)) {
    // An ordered multi-select: the order is kept, since the first metric refits the model.
    const chosen = Array.isArray(value) ? value : [];
    const chips = el('span', { class: 'chips' }, chosen.map((c, i) => el('span', { class: 'chip' }, `${i + 1}. ${c}`,
      el('button', { title: `Remove ${c}`, onclick: () => setValue(o.dest, chosen.filter((x) => x !== c)) }, '×'))));
    const add = el('vscode-single-select', { id, 'data-dest': o.dest },
      el('vscode-option', { value: '', selected: true }, chosen.length ? 'add…' : `${defaultText(o)}; add…`),
      ...o.choices.filter((c) => !chosen.includes(c)).map((c) => el('vscode-option', { value: c }, c)));
    add.addEventListener('change', (e) => {
      if (e.target.value) setValue(o.dest, [...chosen, e.target.value]);
    });
    return el('span', { class: 'control' }, chips, add);
  }
  if (o.choices) {
    const select = el('vscode-single-select', { id, 'data-dest': o.dest },
      el('vscode-option', { value: '', selected: value === undefined }, `${defaultText(o)}`),
      ...o.choices.map((c) => el('vscode-option', { value: c, selected: value === c }, c)));
    select.addEventListener('change', (e) => setValue(o.dest, e.target.value || undefined));
    return select;
  }
  const numeric = o.type.name === 'int' || o.type.name === 'float';
  const text = Array.isArray(value) ? value.join(' ') : value === undefined || value === null ? '' : String(value);
  const field = el('vscode-textfield', {
    id, 'data-dest': o.dest, value: text, type: numeric && !isList(o) ? 'number' : 'text',
    // Left empty, the output folder option gets a fresh folder under the output root at each run (as runPlan.ts decides).
    placeholder: OUTPUT_DEST.test(o.dest) ? 'a fresh folder under the output root' : o.required ? 'required' : isList(o) ? 'values separated by spaces' : defaultText(o),
    step: o.type.name === 'int' ? '1' : undefined,
  });
  field.addEventListener('change', (e) => {
    const raw = e.target.value.trim();
    if (!raw) return setValue(o.dest, undefined);
    const parse = (s) => (numeric && /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : s);
    setValue(o.dest, isList(o) ? raw.split(/\s+/).map(parse) : parse(raw));
  });
  const parts = [field];
  if (o.type.name === 'path') parts.push(el('vscode-button', { secondary: true, onclick: () => vscode.postMessage({ type: 'browse', dest: o.dest, current: text }) }, 'Browse…'));
  return el('span', { class: 'control' }, parts);
}

function targetSelect() {
  const select = el('vscode-single-select', { id: 'target' },
    el('vscode-option', { value: 'local', selected: state.target === 'local' }, 'the host directly'),
    el('vscode-option', { value: 'slurm', selected: state.target === 'slurm' }, 'Slurm (sbatch)'));
  select.addEventListener('change', (e) => { state.target = e.target.value; send(); render(lastWhere); });
  return select;
}

// Slurm resources: text as sbatch takes it; the extension checks each value before it is used.
const SLURM_FIELDS = [
  ['partition', 'Partition', 'default partition'], ['account', 'Account', 'default account'], ['reservation', 'Reservation', ''],
  ['time', 'Time limit', 'such as 2:00:00 or 1-12:00'], ['cpus', 'CPUs per task', '1'], ['memory', 'Memory', 'such as 16G'], ['gpus', 'GPUs', 'a count, or type:count such as a100:1'],
];
function slurmFields() {
  state.slurm = state.slurm || {};
  return el('vscode-collapsible', { title: 'Slurm resources', open: true, class: 'group', id: 'slurm' },
    el('div', {}, SLURM_FIELDS.map(([key, label, placeholder]) => el('div', { class: 'row' },
      el('label', { for: `slurm-${key}` }, label),
      el('vscode-textfield', { id: `slurm-${key}`, value: state.slurm[key] ?? '', placeholder, onchange: (e) => {
        const v = e.target.value.trim();
        if (v) state.slurm[key] = key === 'cpus' && /^\d+$/.test(v) ? Number(v) : v; else delete state.slurm[key];
        send();
      } })))));
}

let lastWhere = '';
function render(where) {
  lastWhere = where;
  app.replaceChildren(...present([
    el('h1', {}, `Run ${schema.prog ?? state.name}`),
    el('p', { class: 'where' }, `${state.image} on ${where}`),
    schema.description ? el('p', { class: 'description' }, schema.description) : null,
    el('div', { class: 'settings' },
      el('vscode-label', { for: 'config-name' }, 'Configuration'),
      el('vscode-textfield', { id: 'config-name', value: state.name, onchange: (e) => { state.name = e.target.value.trim(); send(); } }),
      el('vscode-checkbox', { id: 'cleanenv', checked: state.cleanenv, onchange: (e) => { state.cleanenv = e.target.checked; send(); } }, '--cleanenv'),
      el('vscode-checkbox', { id: 'nv', checked: state.nv, onchange: (e) => { state.nv = e.target.checked; send(); } }, '--nv (GPUs)'),
      el('vscode-label', { for: 'target' }, 'Run on'),
      targetSelect(),
      el('vscode-label', { for: 'output-root' }, 'Output root'),
      el('span', { class: 'control' },
        el('vscode-textfield', { id: 'output-root', value: state.outputRoot ?? '', placeholder: '~/reprolab-runs (each run gets a fresh folder inside)', onchange: (e) => { state.outputRoot = e.target.value.trim(); send(); } }),
        el('vscode-button', { secondary: true, onclick: () => vscode.postMessage({ type: 'browse', dest: '', outputRoot: true, current: state.outputRoot }) }, 'Browse…'))),
    state.target === 'slurm' ? slurmFields() : null,
    ...schema.groups
      .map((g) => ({ g, options: g.options.filter((o) => o.kind !== 'help') }))
      .filter(({ options }) => options.length)
      .map(({ g, options }) => el('vscode-collapsible', { title: g.title, open: true, class: 'group' },
        el('div', {}, g.description ? el('p', { class: 'help' }, g.description) : null,
          options.map((o) => el('div', { class: 'row', 'data-option': o.dest },
            el('label', { for: `opt-${o.dest}`, class: o.required ? 'required' : '' }, o.positional ? o.dest : o.flags.find((f) => f.startsWith('--')) ?? o.flags[0]),
            el('div', {}, control(o),
              el('div', { class: 'help' }, o.help || '', o.type.guessed && o.kind === 'value' ? el('span', { class: 'guess' }, ` (${o.type.name}, guessed)`) : null))))))),
    el('ul', { class: 'warnings', id: 'warnings' }),
    el('div', { class: 'preview', id: 'preview' }),
    el('div', { class: 'actions' },
      el('vscode-button', { id: 'save', secondary: true, onclick: () => vscode.postMessage({ type: 'save' }) }, 'Save'),
      el('vscode-button', { id: 'run', onclick: () => vscode.postMessage({ type: 'run' }) }, 'Run'),
      el('span', { class: 'status', id: 'status' })),
    el('p', { class: 'errors', id: 'errors' }),
  ]));
}

window.addEventListener('message', (event) => {
  const m = event.data;
  if (m.type === 'init') {
    schema = m.schema;
    state = m.state;
    render(m.where);
    send();
  } else if (m.type === 'preview') {
    document.getElementById('preview').textContent = m.command;
    document.getElementById('warnings').replaceChildren(...m.warnings.map((w) => el('li', {}, w)));
    document.getElementById('errors').textContent = '';
  } else if (m.type === 'saved') {
    document.getElementById('status').textContent = `Saved ${m.path}`;
  } else if (m.type === 'running') {
    document.getElementById('status').textContent = `Running; outputs in ${m.folder}`;
  } else if (m.type === 'finished') {
    document.getElementById('status').textContent = m.exitCode === 0 ? `Finished; outputs in ${m.folder}` : `Ended with exit code ${m.exitCode}; see its output channel`;
  } else if (m.type === 'error') {
    document.getElementById('errors').textContent = m.message;
  }
});
vscode.postMessage({ type: 'ready' });
