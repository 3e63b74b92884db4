/**
 * requirements.txt as pip reads it (pip's req_file.py and PEP 508): `#` at the start or after a
 * space begins a comment, a trailing `\` continues the line, lines starting with `-` are options
 * (`-e`/`--editable` takes a requirement), the rest are `name[extras] specifiers ; marker`,
 * `name @ url`, or a bare URL or path.
 */

export interface Requirement {
  /** 0-based line where it starts; positions below are on this line. */
  line: number;
  /** The requirement as written, without options, marker or comment. */
  text: string;
  column: number;
  endColumn: number;
  /** PEP 503 normalised name, when the line names one. */
  name?: string;
  /** Name (with extras) as written, and where it ends. */
  spelledName?: string;
  /** `>=2.0`, `==1.5.0`, `<1.27,>=1.25.4`; empty when none. */
  specifier: string;
  /** `-e` or `--editable`, and where it stands. */
  editable?: { column: number; endColumn: number };
  /** A version-control URL (`git+https://...`) and its `@ref`, if any. */
  vcs?: { url: string; ref?: string; refColumn?: number; refEndColumn?: number; urlColumn: number; urlEndColumn: number };
  /** A plain URL or a local path, which pins by itself or not at all. */
  location?: 'url' | 'path';
}

const VCS = /^(git|hg|svn|bzr)\+/i;
const NAME = /^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?/;

/** PEP 503: lower case, runs of `-`, `_` and `.` as one `-`; how pip freeze and PyPI compare names. */
export function normalizePackageName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** The requirements of a file, one per logical line; never throws. */
export function parseRequirements(text: string): Requirement[] {
  const lines = text.split(/\r?\n/);
  const out: Requirement[] = [];
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    const line = stripComment(lines[i]);
    // A continued line joins the next; only the first one holds the requirement itself.
    while (/\\$/.test(stripComment(lines[i])) && i + 1 < lines.length) i++;
    const body = line.replace(/\\$/, '');
    const requirement = readRequirement(body, start);
    if (requirement) out.push(requirement);
  }
  return out;
}

function stripComment(line: string): string {
  const comment = /(^|\s)#/.exec(line);
  return (comment ? line.slice(0, comment.index) : line).trimEnd();
}

function readRequirement(body: string, line: number): Requirement | undefined {
  let column = body.length - body.trimStart().length;
  let rest = body.slice(column);
  if (!rest) return undefined;
  let editable: Requirement['editable'];
  const flag = /^(-e|--editable)(\s+|=)/.exec(rest);
  if (flag) {
    editable = { column, endColumn: column + flag[1].length };
    column += flag[0].length;
    rest = rest.slice(flag[0].length);
  } else if (rest.startsWith('-')) {
    return undefined; // -r, -c, --index-url and the other options
  }
  // Per-requirement options (--hash, --config-settings) and the environment marker follow the requirement.
  const end = rest.search(/\s+--[a-z]|\s*;/);
  const text = (end < 0 ? rest : rest.slice(0, end)).trimEnd();
  const base = { line, text, column, endColumn: column + text.length, ...(editable ? { editable } : {}) };

  const at = /^([^\s@]+?)\s*@\s*(\S+)/.exec(text);
  if (at && NAME.test(at[1]) && !VCS.test(at[1])) {
    const urlColumn = column + text.lastIndexOf(at[2]);
    return { ...base, name: normalizePackageName(NAME.exec(at[1])![1]), spelledName: at[1], specifier: '', ...urlPart(at[2], urlColumn) };
  }
  if (VCS.test(text) || /^[a-z]+:\/\//i.test(text)) {
    const egg = /#egg=([A-Za-z0-9._-]+)/.exec(text)?.[1];
    return { ...base, ...(egg ? { name: normalizePackageName(egg) } : {}), specifier: '', ...urlPart(text, column) };
  }
  if (/^(\.|\/|~|file:)/.test(text) || text.includes('/')) return { ...base, specifier: '', location: 'path' };
  const name = NAME.exec(text);
  if (!name) return undefined;
  return { ...base, name: normalizePackageName(name[1]), spelledName: name[0], specifier: text.slice(name[0].length).replace(/\s+/g, '') };
}

function urlPart(url: string, urlColumn: number): Pick<Requirement, 'vcs' | 'location'> {
  if (!VCS.test(url)) return { location: 'url' };
  const withoutFragment = url.split('#')[0];
  const afterScheme = withoutFragment.replace(/^[^:]+:\/\//, '');
  const at = afterScheme.lastIndexOf('@');
  // An @ before the first / is a user (git+ssh://git@github.com/...), not a ref.
  const hasRef = at > afterScheme.indexOf('/') && afterScheme.indexOf('/') >= 0;
  const vcs: NonNullable<Requirement['vcs']> = { url, urlColumn, urlEndColumn: urlColumn + url.length };
  if (hasRef) {
    const refColumn = urlColumn + (withoutFragment.length - afterScheme.length) + at + 1;
    vcs.ref = afterScheme.slice(at + 1);
    vcs.refColumn = refColumn;
    vcs.refEndColumn = refColumn + vcs.ref.length;
  }
  return { vcs };
}

/** Whether a VCS ref names one commit for good: a commit hash, or a tag that looks like a version. */
export function isFixedRef(ref: string): boolean {
  return /^[0-9a-f]{7,40}$/i.test(ref) || /^v?\d+(\.\d+)*([.-]?[A-Za-z0-9]+)*$/.test(ref);
}
