/** The usage line of argparse help: which options are required, which exclude each other. */

export interface UsageInfo {
  prog?: string;
  /** Flags that appear outside any [...] (argparse's required options). */
  required: Set<string>;
  /** Groups written `[-a | -b]` or `(-a | -b)`, each as the flags in it, and whether it is required. */
  mutex: { flags: string[]; required: boolean }[];
  /** Positional names in order, with whether they are optional (`[DIR]`). */
  positionals: { name: string; optional: boolean }[];
  /** Every flag mentioned. */
  mentioned: Set<string>;
}

type Node = { kind: 'word'; text: string } | { kind: 'group'; open: '[' | '('; children: Node[] };

/** Parses the text after `usage:` (continuation lines joined). */
const MAX_DEPTH = 64;

export function parseUsage(text: string): UsageInfo {
  const info: UsageInfo = { required: new Set(), mutex: [], positionals: [], mentioned: new Set() };
  const tokens = tokenize(text);
  let i = 0;
  // No real usage line nests deeply; past MAX_DEPTH brackets are ignored, so junk cannot exhaust the stack.
  const parseSeq = (close?: string, depth = 0): Node[] => {
    const nodes: Node[] = [];
    while (i < tokens.length) {
      const t = tokens[i++];
      if (t === close) return nodes;
      if ((t === '[' || t === '(') && depth < MAX_DEPTH) nodes.push({ kind: 'group', open: t, children: parseSeq(t === '[' ? ']' : ')', depth + 1) });
      else if (t === '[' || t === '(') continue;
      else if (t === ']' || t === ')') continue; // unbalanced (hand-edited help): ignore
      else nodes.push({ kind: 'word', text: t });
    }
    return nodes;
  };
  const nodes = parseSeq();
  // The first words before any option are the program (`nano-gpt train`).
  const progWords: string[] = [];
  while (nodes.length && nodes[0].kind === 'word' && !nodes[0].text.startsWith('-') && !/^[A-Z]/.test(nodes[0].text) && nodes[0].text !== '...' && !nodes[0].text.startsWith('{') && !nodes[0].text.startsWith('<')) {
    progWords.push((nodes.shift() as { text: string }).text);
    if (progWords.length >= 3) break;
  }
  if (progWords.length) info.prog = progWords.join(' ');

  const visit = (list: Node[], optional: boolean) => {
    const hasPipe = list.some((n) => n.kind === 'word' && n.text === '|');
    if (hasPipe) {
      const flags = list.flatMap((n) => (n.kind === 'word' ? [n.text] : flattenWords(n))).filter((w) => w.startsWith('-'));
      for (const f of flags) info.mentioned.add(f);
      const distinct = [...new Set(flags)];
      if (distinct.length > 1) info.mutex.push({ flags: distinct, required: !optional });
      return;
    }
    let previousFlag: string | undefined;
    for (const n of list) {
      if (n.kind === 'group') {
        // `[{a,b} ...]` or `[N ...]` right after a flag is that flag's nargs, not a new argument.
        if (previousFlag && !flattenWords(n).some((w) => w.startsWith('-'))) continue;
        visit(n.children, optional || n.open === '[');
        previousFlag = undefined;
        continue;
      }
      const w = n.text;
      if (w.startsWith('-') && w.length > 1 && !/^-\d/.test(w)) {
        info.mentioned.add(w);
        if (!optional && w !== '-h' && w !== '--help') info.required.add(w);
        previousFlag = w;
      } else if (!previousFlag && /^[A-Za-z_][\w.-]*$/.test(w) && w !== '...') {
        info.positionals.push({ name: w, optional });
      } else if (!previousFlag && w === '...') {
        info.positionals.push({ name: '...', optional: true });
      }
      // other words are metavars or choices of the previous flag
    }
  };
  visit(nodes, false);
  return info;
}

function flattenWords(n: Node): string[] {
  return n.kind === 'word' ? [n.text] : n.children.flatMap(flattenWords);
}

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let word = '';
  let braces = 0;
  const flush = () => {
    if (word) tokens.push(word);
    word = '';
  };
  for (const c of text) {
    if (c === '{') braces++;
    if (c === '}') braces = Math.max(0, braces - 1);
    if (braces === 0 && (c === '[' || c === ']' || c === '(' || c === ')' || c === '|')) {
      flush();
      tokens.push(c);
    } else if (braces === 0 && /\s/.test(c)) flush();
    else if (!/\s/.test(c)) word += c;
  }
  flush();
  return tokens;
}
