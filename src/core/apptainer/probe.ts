import { Host, HostError } from '../host/host';
import { quoteArg } from '../shell';
import { versionSpec } from './commands';

export interface ApptainerInstall {
  /** Absolute path of `apptainer` or `singularity`. */
  binary: string;
  version: string;
}

const probes = new WeakMap<Host, Promise<ApptainerInstall>>();

/** Finds `apptainer`, else `singularity`, on a host, once per host; later calls reuse the answer. */
export function probeApptainer(host: Host): Promise<ApptainerInstall> {
  let probe = probes.get(host);
  if (!probe) {
    probe = (async () => {
      // A login shell, so PATH includes what the user's profile or a `module load` adds.
      const find = ['apptainer', 'singularity'].map((b) => `command -v ${quoteArg(b)}`).join(' || ');
      const found = await host.exec(['sh', '-lc', find]);
      const binary = found.stdout.trim().split('\n')[0];
      if (found.code !== 0 || !binary) {
        throw new HostError('not-found', `Neither apptainer nor singularity was found on ${host.name}: install Apptainer, or load its module in your shell profile.`);
      }
      const spec = versionSpec(binary);
      return spec.parse(await host.exec(spec.argv));
    })();
    probes.set(host, probe);
    probe.catch(() => probes.delete(host)); // a failed probe may succeed after the user fixes PATH
  }
  return probe;
}
