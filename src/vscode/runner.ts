import * as path from 'path';
import * as vscode from 'vscode';
import { readImageHelp } from '../core/apptainer/imageHelp';
import { probeApptainer } from '../core/apptainer/probe';
import { FormSchema } from '../core/argparse/help';
import { Host } from '../core/host/host';
import { describeCommand, startLocalRun } from '../core/runs/localRun';
import { parseRunConfig, RunConfig } from '../core/runs/runConfig';
import { seedKeyOf } from '../core/runs/runPlan';
import { submitRun } from '../core/runs/slurmRun';
import type { CommandContext } from './commands';
import { RunEnd } from './views/jobsTree';

/** A run handed to the Jobs view: where its outputs go, and a promise of how it ends. */
export interface LaunchedRun {
  id: string;
  outputFolder: string;
  jobId?: string;
  finished: Promise<RunEnd>;
}

/** A saved run configuration with the host it runs on. */
export interface LoadedConfig {
  uri: vscode.Uri;
  name: string;
  config: RunConfig;
  host: Host;
  cluster?: string;
}

/** Reads a run configuration; a broken one is refused with its first problem and line. */
export async function loadRunConfig(ctx: CommandContext, uri: vscode.Uri): Promise<LoadedConfig> {
  const parsed = parseRunConfig(Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8'));
  const name = path.basename(uri.fsPath, '.yaml');
  if (!parsed.config) throw new Error(`${name}.yaml has problems: ${parsed.diagnostics[0]?.message ?? 'it is not valid'} (line ${(parsed.diagnostics[0]?.line ?? 0) + 1}).`);
  const config = parsed.config;
  const cluster = config.cluster ? ctx.settings.clusters().clusters.find((c) => c.name === config.cluster) : undefined;
  if (config.cluster && !cluster) throw new Error(`${name} runs on "${config.cluster}", which is not in the reprolab.clusters setting: add it, or change cluster in ${name}.yaml.`);
  return { uri, name, config, host: cluster ? ctx.hosts.hostFor(cluster.name, cluster.host) : ctx.hosts.local, ...(cluster ? { cluster: cluster.name } : {}) };
}

/** The run configuration saved last for an image on a cluster (or this machine), if any. */
export async function lastConfigOf(image: string, cluster: string | undefined): Promise<vscode.Uri | undefined> {
  let best: { uri: vscode.Uri; mtime: number } | undefined;
  for (const uri of await vscode.workspace.findFiles('.reprolab/runs/*.yaml')) {
    const text = Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
    const { config } = parseRunConfig(text);
    if (!config || config.image !== image || (config.cluster ?? undefined) !== cluster) continue;
    const { mtime } = await vscode.workspace.fs.stat(uri);
    if (!best || mtime > best.mtime) best = { uri, mtime };
  }
  return best?.uri;
}

/**
 * Runs a saved configuration on its target: directly on its host, or through Slurm (a seed sweep
 * when `seeds` is given). The run appears in the Jobs view and its log opens.
 */
export async function launchRun(ctx: CommandContext, loaded: LoadedConfig, options: { form?: FormSchema; seeds?: string; seed?: number; native?: boolean } = {}): Promise<LaunchedRun> {
  const { host, name } = loaded;
  let config = loaded.config;
  const where = loaded.cluster ?? 'this machine';
  const apptainer = await probeApptainer(host);
  const form = options.form ?? (await readImageHelp(host, config.image, (await host.stat(config.image)).mtime.getTime())).schema;
  if (options.seed !== undefined) {
    // Run again with another seed: the same configuration, only the seed changed (the file stays as it is).
    const seedKey = seedKeyOf(config.arguments ?? {}, form);
    if (!seedKey) throw new Error(`${name}'s image takes no seed option (such as --random-state), so there is no seed to change.`);
    config = { ...config, arguments: { ...config.arguments, [seedKey]: options.seed } };
  }
  if (options.native && config.native && !loaded.cluster) {
    // On this machine the native command runs in the workspace (or a folder relative to it) unless told otherwise.
    const workspace = path.dirname(path.dirname(path.dirname(loaded.uri.fsPath)));
    config = { ...config, native: { ...config.native, cwd: path.resolve(workspace, config.native.cwd ?? '.') } };
  }
  const request = { host, apptainer, config, configName: name, form, now: new Date(), reprolabVersion: ctx.extensionVersion, native: options.native };
  const label = (seed: unknown) => [seed !== null && seed !== undefined ? `seed ${seed}` : '', options.native ? 'native' : ''].filter(Boolean).join(', ');
  const target = config.target?.type ?? 'local';
  if (options.seeds && target !== 'slurm') throw new Error(`A seed sweep runs as a Slurm job array: set target.type to slurm in ${name}.yaml first.`);
  if (target === 'slurm') {
    const submitted = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Submitting ${name} to Slurm on ${where}` }, () => submitRun({ ...request, seeds: options.seeds }));
    if (submitted.warning) void vscode.window.showWarningMessage(`sbatch accepted ${name} with a warning: ${submitted.warning}`);
    ctx.log.info(`Submitted ${name} as job ${submitted.jobId} on ${where}: ${describeCommand(submitted.record.command)}; outputs in ${submitted.outputFolder}`);
    const seed = submitted.record.seed;
    const run = ctx.jobsTree.track({
      name: options.seeds ? `${name} (seeds ${options.seeds}${options.native ? ', native' : ''})` : `${name}${label(seed) ? ` (${label(seed)})` : ''}`,
      cluster: loaded.cluster,
      where,
      configUri: loaded.uri.toString(),
      outputFolder: submitted.outputFolder,
      jobId: submitted.jobId,
      logPath: submitted.logs.length === 1 && !options.seeds ? submitted.logs[0].path : undefined,
      tasks: options.seeds ? submitted.logs.map((t) => ({ jobId: t.jobId, seed: t.seed, outputFolder: t.outputFolder, logPath: t.path, state: 'PENDING' })) : undefined,
    });
    if (!options.seeds) ctx.jobsTree.followLog(run.id);
    return { id: run.id, outputFolder: submitted.outputFolder, jobId: submitted.jobId, finished: ctx.jobsTree.whenFinished(run.id) };
  }
  const started = await startLocalRun(request);
  ctx.log.info(`Started ${name} on ${where} (process group ${started.pid}): ${describeCommand(started.record.command)}; outputs in ${started.outputFolder}`);
  const seed = started.record.seed;
  const run = ctx.jobsTree.track({
    name: `${name}${label(seed) ? ` (${label(seed)})` : ''}`, cluster: loaded.cluster, where, configUri: loaded.uri.toString(),
    outputFolder: started.outputFolder, pid: started.pid, logPath: started.logPath,
  });
  ctx.jobsTree.followLog(run.id);
  return { id: run.id, outputFolder: started.outputFolder, finished: ctx.jobsTree.whenFinished(run.id) };
}
