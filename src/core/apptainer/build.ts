/**
 * Build Image: `apptainer build` of a definition file, in a build folder that holds the file and
 * what its %files sections copy from the host, run where the user chose (a login node, this
 * machine, or a Slurm job whose script is kept beside it).
 */
import { minimatch } from 'minimatch';
import * as path from 'path';
import { SlurmResources } from '../runs/runConfig';
import { parseDefinition } from '../sif/definition';
import { sbatchOptions } from '../slurm/batchScript';
import { commandLine } from '../shell';
import { buildArgv } from './commands';

/** How the user may build: `fakeroot` (most clusters), `remote` (a build service), `plain` (root or a setuid install). */
export type BuildMode = 'fakeroot' | 'remote' | 'plain';

/** The host files a definition's %files sections copy: relative paths, as written, once each. */
export function hostFilesOf(definitionText: string): string[] {
  const files = new Set<string>();
  for (const stage of parseDefinition(definitionText).stages) {
    // `%files from STAGE` copies from another stage, not from the host.
    for (const section of stage.sections.filter((s) => (s.name === 'files' || s.name === 'appfiles') && !/^from\s/i.test(s.args))) {
      for (const line of section.body.split('\n').map((l) => l.trim())) {
        if (!line || line.startsWith('#')) continue;
        const source = line.split(/\s+/)[0];
        if (!path.posix.isAbsolute(source) && !source.includes('{{')) files.add(path.posix.normalize(source));
      }
    }
  }
  return [...files];
}

/** Refuses %files sources a build folder on another host cannot hold: outside the definition's folder, or a glob above the last name. */
export function checkHostFiles(files: string[]): void {
  const outside = files.find((f) => f === '..' || f.startsWith('../'));
  if (outside) throw new Error(`%files copies ${outside}, outside the definition file's folder: move it beside the definition file, or give an absolute path on the build host.`);
  const deepGlob = files.find((f) => /[*?[]/.test(path.posix.dirname(f)));
  if (deepGlob) throw new Error(`%files copies ${deepGlob}, with a wildcard in a folder name: name the folder, and keep wildcards to the last part.`);
}

/** Whether a file name matches a %files wildcard (`*`, `?`, `[...]`), as the shell's globbing does (no leading dot). */
export function matchesGlob(name: string, pattern: string): boolean {
  return minimatch(name, pattern, { dot: false, nobrace: true, noext: true, noglobstar: true });
}

/** `lab.def` → `lab.sif`; a file named `Singularity` or `Apptainer` takes its folder's name. */
export function defaultImageName(definition: string): string {
  const base = path.basename(definition);
  const stem = /^(Singularity|Apptainer)$/i.test(base) ? path.basename(path.dirname(definition)) : base.replace(/\.def$/i, '').replace(/^(Singularity|Apptainer)\./i, '');
  return `${stem.replace(/[^A-Za-z0-9._-]/g, '_') || 'image'}.sif`;
}

/** The `apptainer build` command line for a mode. */
export function buildCommand(binary: string, target: string, definition: string, mode: BuildMode, force: boolean): string[] {
  return buildArgv(binary, target, definition, { fakeroot: mode === 'fakeroot', remote: mode === 'remote', force });
}

export interface BuildJobRequest {
  binary: string;
  /** The image to write (absolute). */
  target: string;
  /** The build folder: holds the definition file and its %files sources; the job runs there and logs there. */
  folder: string;
  definitionName: string;
  mode: BuildMode;
  force: boolean;
  resources: SlurmResources;
}

/** A batch script that builds the image in its folder; the log is `slurm-<job id>.out` there. */
export function renderBuildJob(r: BuildJobRequest): string {
  const jobName = `build-${path.posix.basename(r.target).replace(/\.sif$/i, '')}`.replace(/[^A-Za-z0-9._-]/g, '_');
  const directives = sbatchOptions(jobName, r.resources, `${r.folder}/slurm-%j.out`).map((o) => `#SBATCH ${o}`);
  return [
    '#!/bin/bash',
    ...directives,
    '',
    'set -euo pipefail',
    `cd -- ${commandLine([r.folder])}`,
    commandLine(buildCommand(r.binary, r.target, r.definitionName, r.mode, r.force)),
    '',
  ].join('\n');
}
