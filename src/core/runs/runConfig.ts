/**
 * Run configurations: YAML files in `.reprolab/runs/`, validated against the JSON Schema that
 * ships with the extension, edited through yaml's document API so comments and key order survive.
 */
import Ajv, { ErrorObject } from 'ajv';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, Document, Node } from 'yaml';
import schema from '../../../schemas/run-config.schema.json';
import { Bind, RunFlags } from '../apptainer/commands';
import { FormSchema } from '../argparse/help';

export type ArgumentValue = string | number | boolean | null | (string | number | boolean)[];

export interface RunConfig {
  image: string;
  cluster?: string;
  arguments?: Record<string, ArgumentValue>;
  binds?: (string | Bind)[];
  apptainer?: { nv?: boolean; cleanenv?: boolean; noHome?: boolean; pwd?: string };
  target?: { type: 'local' | 'slurm'; slurm?: SlurmResources };
  environment?: Record<string, string | number | boolean>;
  output?: { root?: string; argument?: string; policy?: 'new-folder' | 'reuse'; folder?: string };
  /** The lab's entry point outside the container (Compare with Native Run). */
  native?: NativeCommand;
}

/** A command on the host that takes the image's arguments, and the folder it runs in. */
export interface NativeCommand {
  command: string[];
  cwd?: string;
}

export interface SlurmResources {
  partition?: string;
  account?: string;
  reservation?: string;
  time?: string;
  cpus?: number;
  memory?: string;
  gpus?: number | string;
  array?: string;
}

export interface Diagnostic {
  /** 0-based line and column of the offending value or key. */
  line: number;
  column: number;
  message: string;
  severity: 'error' | 'warning';
}

export interface ParsedRunConfig {
  /** The configuration when it is valid; undefined otherwise. */
  config?: RunConfig;
  diagnostics: Diagnostic[];
  document: Document;
}

const ajv = new Ajv({ allErrors: true, strict: false });
const validateSchema = ajv.compile(schema);

/** Parses and validates a run configuration, with a diagnostic on the line of every problem. */
export function parseRunConfig(text: string): ParsedRunConfig {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  const at = (offset: number | undefined) => {
    const pos = lineCounter.linePos(offset ?? 0);
    return { line: pos.line - 1, column: pos.col - 1 };
  };
  const diagnostics: Diagnostic[] = [];
  for (const error of document.errors) diagnostics.push({ ...at(error.pos[0]), message: `YAML: ${error.message.split('\n')[0]}`, severity: 'error' });
  for (const warning of document.warnings) diagnostics.push({ ...at(warning.pos[0]), message: `YAML: ${warning.message.split('\n')[0]}`, severity: 'warning' });
  if (document.errors.length) return { diagnostics, document };
  const value = document.toJS() ?? {};
  if (!validateSchema(value)) {
    for (const error of validateSchema.errors ?? []) diagnostics.push({ ...at(offsetOf(document, error)), message: describeSchemaError(error), severity: 'error' });
    return { diagnostics: dedupe(diagnostics), document };
  }
  return { config: value as unknown as RunConfig, diagnostics, document };
}

function offsetOf(document: Document, error: ErrorObject): number | undefined {
  const path = error.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const extra = (error.params as { additionalProperty?: string }).additionalProperty;
  // For an unknown key point at the key itself; else at the value.
  let node: unknown = document.contents;
  for (const segment of path) {
    if (isMap(node)) node = node.items.find((pair) => isScalar(pair.key) && String(pair.key.value) === segment)?.value;
    else if (isSeq(node)) node = node.items[Number(segment)];
    else break;
  }
  if (extra && isMap(node)) {
    const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === extra);
    return (pair?.key as Node | undefined)?.range?.[0];
  }
  return (node as Node | undefined)?.range?.[0];
}

function describeSchemaError(error: ErrorObject): string {
  const where = error.instancePath ? error.instancePath.slice(1).replace(/\//g, '.') : 'the configuration';
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return `Unknown key "${params.additionalProperty}" in ${where}: check its spelling (see the run configuration schema).`;
    case 'required':
      return `${where} needs "${params.missingProperty}".`;
    case 'type':
      return `${where} must be ${params.type}.`;
    case 'enum':
      return `${where} must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}.`;
    case 'pattern':
      return `${where} is not in the expected format (${patternHint(where)}).`;
    case 'minimum':
      return `${where} must be at least ${params.limit}.`;
    case 'minLength':
      return `${where} must not be empty.`;
    case 'anyOf':
      return `${where} has a value of the wrong kind.`;
    default:
      return `${where} ${error.message ?? 'is not valid'}.`;
  }
}

function patternHint(where: string): string {
  if (where.endsWith('time')) return 'Slurm time such as 30, 2:00:00 or 1-12:00';
  if (where.endsWith('memory')) return 'a number with K, M, G or T, such as 16G';
  if (where.endsWith('array')) return 'such as 0-4 or 0-9%2';
  if (where.startsWith('binds')) return 'source[:destination][:ro], without commas';
  return 'see the schema';
}

function dedupe(diagnostics: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((d) => {
    const key = `${d.line}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Sets a value in the document (creating maps on the way), keeping comments and order elsewhere;
 * `undefined` removes the key, and a map left empty by that goes too.
 */
export function setInDocument(document: Document, path: (string | number)[], value: unknown): void {
  if (value !== undefined) {
    document.setIn(path, value);
    return;
  }
  if (!document.hasIn(path)) return;
  document.deleteIn(path);
  const parent = path.slice(0, -1);
  const container = parent.length ? document.getIn(parent) : undefined;
  if (isMap(container) && container.items.length === 0) document.deleteIn(parent);
}

export const SLURM_KEYS = ['partition', 'account', 'reservation', 'time', 'cpus', 'memory', 'gpus', 'array'] as const;
const validateSlurm = ajv.compile((schema as { properties: { target: { properties: { slurm: object } } } }).properties.target.properties.slurm);

/** Checks Slurm resources from a form against the schema: the resources, or one sentence on what is wrong. */
export function checkSlurmResources(value: unknown): SlurmResources | string {
  if (validateSlurm(value)) return value as SlurmResources;
  const error = validateSlurm.errors?.[0];
  const where = error?.instancePath ? `target.slurm.${error.instancePath.slice(1)}` : 'target.slurm';
  if (error?.keyword === 'pattern') return `${where} is not in the expected format (${patternHint(where)}).`;
  return error?.keyword === 'additionalProperties' ? `Unknown Slurm resource "${(error.params as { additionalProperty: string }).additionalProperty}".` : `${where} ${error?.message ?? 'is not valid'}.`;
}

/** The Apptainer flags a configuration asks for. */
export function runFlags(config: RunConfig): RunFlags {
  const binds = (config.binds ?? []).map((b): Bind => {
    if (typeof b !== 'string') return b;
    const [source, destination, mode] = b.split(':');
    return { source, destination: destination && destination !== 'ro' && destination !== 'rw' ? destination : undefined, readOnly: mode === 'ro' || destination === 'ro' };
  });
  return { ...config.apptainer, binds, env: Object.fromEntries(Object.entries(config.environment ?? {}).map(([k, v]) => [k, String(v)])) };
}

/**
 * The image's own arguments as argv, using the form schema to know each option's flags: a list is
 * spread after its flag, `true` gives `--x`, `false` gives `--no-x` for a boolean pair and nothing
 * otherwise, `null` leaves the option out (argparse's default applies).
 */
export function argumentArgv(values: Record<string, ArgumentValue>, form?: FormSchema): string[] {
  const options = form?.groups.flatMap((g) => g.options) ?? [];
  const positionals: string[] = [];
  const argv: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    if (value === null || value === undefined) continue;
    const option = options.find((o) => o.dest === key.replace(/-/g, '_') || o.flags.includes(key.startsWith('-') ? key : `--${key}`));
    if (option?.positional) {
      positionals.push(...(Array.isArray(value) ? value.map(String) : [String(value)]));
      continue;
    }
    const flag = option?.flags.find((f) => f.startsWith('--')) ?? option?.flags[0] ?? (key.startsWith('-') ? key : `--${key}`);
    if (typeof value === 'boolean') {
      if (value) argv.push(flag);
      else if (option?.negative) argv.push(option.negative);
      continue;
    }
    argv.push(flag, ...(Array.isArray(value) ? value.map(String) : [String(value)]));
  }
  return [...argv, ...positionals];
}
