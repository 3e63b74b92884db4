import { ByteSource } from './byteSource';
import { headerValue, parseDefinition, parseLabels } from './definition';
import { readObject } from './objects';
import { readSif, SifDescriptor, SifImage } from './sif';

/** Metadata objects larger than this are not read: real ones are a few KiB. */
export const METADATA_LIMIT = 256 * 1024;

/** Where a piece of metadata came from, best first. */
export type MetadataSource = 'inspect-metadata.json' | 'definition file' | 'oci-config.json' | 'none';

/** What a user wants to know about an image, read from its header, table and small metadata objects only. */
export interface SifInspection {
  image: SifImage;
  definition?: string;
  labels: Record<string, string>;
  /** Environment scripts by file name (`/.singularity.d/env/90-environment.sh`), or OCI `Env` lines. */
  environment: Record<string, string>;
  runscript?: string;
  startscript?: string;
  test?: string;
  help?: string;
  /** App names declared in the image. */
  apps: string[];
  /** Where labels, environment and runscript came from. */
  source: MetadataSource;
  bootstrap?: string;
  from?: string;
  signatures: { id: number; hash: string; fingerprint: string; signs: string }[];
  partitions: { id: number; fs: string; type: string; arch: string; size: number }[];
  /** Problems met while reading metadata objects (the image itself was readable). */
  warnings: string[];
  /** Bytes read from the file to inspect it. */
  bytesRead: number;
}

/** Inspects a SIF: header, descriptors, then only the small objects that hold metadata. */
export async function inspectSif(source: ByteSource, name = 'the file'): Promise<SifInspection> {
  const image = await readSif(source, name);
  const warnings: string[] = [];
  const text = async (d: SifDescriptor | undefined): Promise<string | undefined> => {
    if (!d) return undefined;
    try {
      return (await readObject(source, d, METADATA_LIMIT)).toString('utf8');
    } catch (err) {
      warnings.push((err as Error).message);
      return undefined;
    }
  };
  const json = async (d: SifDescriptor | undefined): Promise<Record<string, unknown> | undefined> => {
    const raw = await text(d);
    if (raw === undefined) return undefined;
    try {
      const value = JSON.parse(raw);
      return value && typeof value === 'object' ? value : undefined;
    } catch {
      warnings.push(`object ${d!.id} (${d!.name || d!.type}) is not valid JSON; it was skipped.`);
      return undefined;
    }
  };
  const named = (n: string) => image.descriptors.find((d) => d.dataType === 0x4006 && d.name === n);
  const inspection: SifInspection = {
    image, labels: {}, environment: {}, apps: [], source: 'none', warnings, bytesRead: 0,
    signatures: image.descriptors.filter((d) => d.extra.kind === 'signature').map((d) => ({
      id: d.id,
      hash: d.extra.kind === 'signature' ? d.extra.hash : '',
      fingerprint: d.extra.kind === 'signature' ? d.extra.fingerprint : '',
      signs: d.linkedId === 0 ? 'nothing' : d.linkIsGroup ? `group ${d.linkedId}` : `object ${d.linkedId}`,
    })),
    partitions: image.descriptors.filter((d) => d.extra.kind === 'partition').map((d) => ({
      id: d.id,
      fs: d.extra.kind === 'partition' ? d.extra.fs : '',
      type: d.extra.kind === 'partition' ? d.extra.partition.replace('*System', 'primary system') : '',
      arch: d.extra.kind === 'partition' ? d.extra.arch : '',
      size: d.size,
    })),
  };

  inspection.definition = await text(image.descriptors.find((d) => d.dataType === 0x4001));
  const metadata = await json(named('inspect-metadata.json'));
  const attributes = (metadata?.data as { attributes?: Record<string, unknown> } | undefined)?.attributes;
  if (attributes) {
    inspection.source = 'inspect-metadata.json';
    inspection.labels = stringMap(attributes.labels);
    inspection.environment = stringMap(attributes.environment);
    inspection.runscript = stringOrUndefined(attributes.runscript);
    inspection.startscript = stringOrUndefined(attributes.startscript);
    inspection.test = stringOrUndefined(attributes.test);
    inspection.help = stringOrUndefined(attributes.helpfile);
    inspection.definition ??= stringOrUndefined(attributes.deffile);
    inspection.apps = Object.keys(stringMap(attributes.apps));
  }
  if (inspection.definition) {
    const definition = parseDefinition(inspection.definition);
    const stage = definition.stages[definition.stages.length - 1];
    inspection.bootstrap = headerValue(stage, 'bootstrap');
    inspection.from = headerValue(stage, 'from');
    if (!attributes) {
      inspection.source = 'definition file';
      const section = (n: string) => stage.sections.find((s) => s.name === n)?.body;
      inspection.labels = parseLabels(section('labels') ?? '');
      const env = section('environment');
      if (env !== undefined) inspection.environment = { '%environment': env.trim() };
      inspection.runscript = section('runscript')?.trim();
      inspection.startscript = section('startscript')?.trim();
      inspection.test = section('test')?.trim();
      inspection.help = section('help')?.trim();
      inspection.apps = [...new Set(stage.sections.filter((s) => s.app).map((s) => s.app!))];
    }
  }
  if (inspection.source === 'none') {
    const oci = await json(named('oci-config.json'));
    if (oci) {
      inspection.source = 'oci-config.json';
      inspection.labels = stringMap(oci.Labels);
      const env = Array.isArray(oci.Env) ? oci.Env.filter((e): e is string => typeof e === 'string') : [];
      if (env.length) inspection.environment = { 'OCI Env': env.join('\n') };
      const entry = [...arrayOfStrings(oci.Entrypoint), ...arrayOfStrings(oci.Cmd)];
      if (entry.length) inspection.runscript = entry.join(' ');
    }
  }
  inspection.bytesRead = source.bytesRead;
  return inspection;
}

function stringMap(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  return out;
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function arrayOfStrings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** The stable JSON form of `reprolab sif inspect --json` (documented in docs/sif-inspect-json.md). */
export function inspectionJson(file: string, i: SifInspection): object {
  return {
    file,
    size: i.image.fileSize,
    header: i.image.header,
    descriptors: i.image.descriptors.map(({ extra, ...d }) => ({ ...d, extra })),
    metadata: {
      source: i.source, bootstrap: i.bootstrap ?? null, from: i.from ?? null, definition: i.definition ?? null,
      labels: i.labels, environment: i.environment, runscript: i.runscript ?? null, startscript: i.startscript ?? null,
      test: i.test ?? null, help: i.help ?? null, apps: i.apps,
    },
    signed: i.signatures.length > 0,
    signatures: i.signatures,
    partitions: i.partitions,
    warnings: i.warnings,
    bytesRead: i.bytesRead,
  };
}
