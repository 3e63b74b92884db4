import { parseHelp, FormSchema } from '../argparse/help';
import { Host, HostError } from '../host/host';
import { helpArgv } from './commands';
import { probeApptainer } from './probe';
import { hostByteSource } from '../sif/byteSource';
import { readSifHeader } from '../sif/sif';

const cache = new Map<string, Promise<{ text: string; schema: FormSchema }>>();

/**
 * The image's own `--help`, read from stdout with COLUMNS=200 (so argparse wraps little) and
 * parsed into a form schema; cached per image id (the SIF header's UUID), else per path and time.
 */
export async function readImageHelp(host: Host, image: string, modified: number): Promise<{ text: string; schema: FormSchema }> {
  const id = await hostByteSource(host, image).then((source) => readSifHeader(source, image)).then((h) => h.id, () => '');
  const key = id ? `id:${id}` : `${host.name}\0${image}\0${modified}`;
  let entry = cache.get(key);
  if (!entry) {
    entry = (async (): Promise<{ text: string; schema: FormSchema }> => {
      const { binary } = await probeApptainer(host);
      const result = await host.exec(helpArgv(binary, image), { env: { COLUMNS: '200' }, timeoutMs: 120000 });
      if (!result.stdout.trim()) {
        const why = result.stderr.trim().split('\n').pop() ?? `exit code ${result.code}`;
        throw new HostError('io', `${image} printed no --help on stdout, so there is no form to show (${why}). Its entry point may not use argparse.`);
      }
      const schema = parseHelp(result.stdout);
      if (!schema.groups.some((g) => g.options.some((o) => o.kind !== 'help'))) {
        throw new HostError('io', `${image}'s --help lists no options ReproLab can read, so there is no form to show.`);
      }
      return { text: result.stdout, schema };
    })();
    cache.set(key, entry);
    entry.catch(() => cache.delete(key));
  }
  return entry;
}
