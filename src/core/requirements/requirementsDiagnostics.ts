/**
 * Check Requirements: lines of requirements.txt that let an image rebuilt tomorrow differ from the
 * one built today (no pin, a lower bound only, a VCS branch such as @main, an editable install),
 * with fixes that pin each to the version found inside a chosen image (its `pip freeze`).
 */
import { TextEdit, TextFix, TextProblem } from '../textProblem';
import { isFixedRef, normalizePackageName, parseRequirements, Requirement } from './requirements';

export type RequirementProblem = 'unpinned' | 'lower-bound-only' | 'range' | 'moving-vcs-ref' | 'vcs-without-ref' | 'editable';

export interface RequirementFix extends TextFix {
  /** A pin to a version found in an image (what "Pin to the versions in an image" applies). */
  pin?: boolean;
}

export interface RequirementDiagnostic extends TextProblem<RequirementProblem, RequirementFix> {
  severity: 'warning';
  /** The package the line installs, when it names one. */
  name?: string;
}

/** Versions found in an image: normalised name → `1.26.4`, or `git+https://...@<commit>` for a VCS install. */
export type ImageVersions = Map<string, string>;

export interface CheckOptions {
  versions?: ImageVersions;
  /** Where the versions came from, for fix titles (`lab.sif`). */
  image?: string;
}

/** Reads `pip freeze` lines (`name==1.0`, `name @ git+...@sha`) into versions by normalised name. */
export function versionsFromFreeze(packages: Map<string, string> | string): ImageVersions {
  const entries: [string, string][] = typeof packages === 'string'
    ? packages.split('\n').map((l) => /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:==|@)\s*(\S+)/.exec(l.trim())).filter((m): m is RegExpExecArray => !!m).map((m) => [m[1], m[2]])
    : [...packages.entries()];
  return new Map(entries.map(([name, version]) => [normalizePackageName(name), version.trim()]));
}

/** Every line of a requirements file that does not pin what gets installed, in line order. */
export function checkRequirements(text: string, options: CheckOptions = {}): RequirementDiagnostic[] {
  const out: RequirementDiagnostic[] = [];
  for (const req of parseRequirements(text)) {
    const range = { line: req.line, column: req.column, endLine: req.line, endColumn: req.endColumn };
    const named = req.name ? { name: req.name } : {};
    const label = req.spelledName ?? req.name ?? req.text;
    if (req.editable) {
      out.push({
        code: 'editable', line: req.line, column: req.editable.column, endLine: req.line, endColumn: req.editable.endColumn, severity: 'warning', ...named,
        message: `${label} is an editable install, which links a source folder instead of installing a fixed version into the image: remove -e so pip installs it.`,
        fix: { title: 'Install it normally (remove -e)', edits: [{ line: req.line, column: req.editable.column, endLine: req.line, endColumn: req.column, newText: '' }] },
      });
    }
    if (req.vcs) {
      out.push(...checkVcs(req, range, options));
      continue;
    }
    if (req.location || !req.name) continue;
    const found = options.versions?.get(req.name);
    const pin = found && !found.includes('://') ? pinFix(req, found, options.image) : undefined;
    const fix = pin ? { fix: pin } : {};
    const clauses = req.specifier.split(',').filter(Boolean);
    if (clauses.length === 0) {
      out.push({ code: 'unpinned', ...range, severity: 'warning', ...named, ...fix, message: `${label} is not pinned, so each build installs whatever version is newest that day: pin it with ==VERSION.` });
    } else if (!clauses.some((c) => /^===?[^*]+$/.test(c))) {
      const lowerOnly = clauses.every((c) => /^(>=|>|!=)/.test(c));
      out.push({
        code: lowerOnly ? 'lower-bound-only' : 'range', ...range, severity: 'warning', ...named, ...fix,
        message: lowerOnly
          ? `${label}${req.specifier} sets only a lower bound, so a rebuild takes any newer version, breaking changes included: pin it with ==VERSION.`
          : `${label}${req.specifier} allows a range of versions, so two builds can differ: pin it with ==VERSION.`,
      });
    }
  }
  return out;
}

function checkVcs(req: Requirement, range: Omit<RequirementDiagnostic, 'code' | 'severity' | 'message'>, options: CheckOptions): RequirementDiagnostic[] {
  const vcs = req.vcs!;
  if (vcs.ref && isFixedRef(vcs.ref)) return [];
  const label = req.spelledName ?? req.name ?? vcs.url;
  const found = req.name ? options.versions?.get(req.name) : undefined;
  const commit = found ? /@([0-9a-f]{7,40})(?:#|$)/i.exec(found)?.[1] : undefined;
  const from = options.image ? ` (as in ${options.image})` : '';
  let fix: RequirementFix | undefined;
  if (commit) {
    const edit: TextEdit = vcs.ref
      ? { line: req.line, column: vcs.refColumn!, endLine: req.line, endColumn: vcs.refEndColumn!, newText: commit }
      : { line: req.line, column: vcs.urlColumn + vcs.url.split('#')[0].length, endLine: req.line, endColumn: vcs.urlColumn + vcs.url.split('#')[0].length, newText: `@${commit}` };
    fix = { title: `Pin to commit ${commit.slice(0, 12)}${from}`, edits: [edit], pin: true };
  } else if (found && !found.includes('://')) {
    fix = pinFix(req, found, options.image);
  }
  const named = req.name ? { name: req.name } : {};
  const where = vcs.ref
    ? { line: req.line, column: vcs.refColumn! - 1, endLine: req.line, endColumn: vcs.refEndColumn! }
    : { line: req.line, column: vcs.urlColumn, endLine: req.line, endColumn: vcs.urlEndColumn };
  return [{
    code: vcs.ref ? 'moving-vcs-ref' : 'vcs-without-ref', ...(vcs.ref ? where : range), severity: 'warning', ...named, ...(fix ? { fix } : {}),
    message: vcs.ref
      ? `${label} installs the branch @${vcs.ref}, which moves with every push, so a rebuild can get different code: pin it to a commit or a tag (@<commit>).`
      : `${label} installs the default branch of ${vcs.url.split('#')[0].replace(/^[a-z]+\+/, '')}, which moves with every push: pin it to a commit or a tag (@<commit>).`,
  }];
}

/** Replaces the requirement (name and specifier, or the whole VCS line) with `name==version`. */
function pinFix(req: Requirement, version: string, image: string | undefined): RequirementFix {
  const spelled = req.spelledName ?? req.name!;
  const from = image ? ` (as in ${image})` : '';
  const column = req.editable ? req.editable.column : req.column;
  return { title: `Pin to ${spelled}==${version}${from}`, edits: [{ line: req.line, column, endLine: req.line, endColumn: req.endColumn, newText: `${spelled}==${version}` }], pin: true };
}

/** The edits that pin every line an image has a version for (one per line). */
export function pinEdits(text: string, versions: ImageVersions, image?: string): TextEdit[] {
  const byLine = new Map<number, TextEdit[]>();
  for (const problem of checkRequirements(text, { versions, image })) {
    if (problem.fix?.pin && !byLine.has(problem.line)) byLine.set(problem.line, problem.fix.edits);
  }
  return [...byLine.values()].flat();
}
