// Inspecting a sparse 4 GiB SIF: bytes read and time, on this machine and over SFTP, against
// running `siftool list` on the same file.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LocalHost } from '../src/core/host/local';
import { SshHost } from '../src/core/host/ssh';
import { hostByteSource } from '../src/core/sif/byteSource';
import { inspectSif } from '../src/core/sif/inspect';
import { DESCRIPTOR_SIZE, readSif } from '../src/core/sif/sif';
import { bufferByteSource } from '../src/core/sif/byteSource';
import { Services } from '../test/integration/services';
import { benchSshHost, BenchRow, median, timeEach } from './harness';

const SIZE = 4 * 1024 ** 3;
const RUNS = 30;

/** A copy of the lab image whose root file system partition is stretched, sparsely, to 4 GiB. */
async function sparseImage(lab: string, dir: string): Promise<string> {
  const bytes = fs.readFileSync(lab);
  const image = await readSif(bufferByteSource(bytes));
  const partition = image.descriptors.find((d) => d.extra.kind === 'partition')!;
  const index = image.descriptors.indexOf(partition);
  const at = image.header.descriptorsOffset + index * DESCRIPTOR_SIZE;
  bytes.writeBigInt64LE(BigInt(SIZE - partition.offset), at + 25);
  bytes.writeBigInt64LE(BigInt(SIZE - image.header.dataOffset), 120);
  const file = path.join(dir, 'lab-4g.sif');
  fs.writeFileSync(file, bytes.subarray(0, partition.offset + 4096));
  fs.truncateSync(file, SIZE);
  fs.chmodSync(file, 0o644);
  return file;
}

export async function benchSif(services: Services): Promise<BenchRow[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reprolab-bench-sif-'));
  fs.chmodSync(dir, 0o755);
  const { host: ssh, close } = benchSshHost(services);
  try {
    const file = await sparseImage(services.images.lab, dir);
    const local = new LocalHost();
    const inspectOn = async (host: LocalHost | SshHost) => {
      const source = await hostByteSource(host, file);
      await inspectSif(source, 'lab-4g.sif');
      return source.bytesRead;
    };
    const localBytes = await inspectOn(local);
    const localTimes = await timeEach(RUNS, () => inspectOn(local));
    await ssh.connect();
    const sftpBytes = await inspectOn(ssh);
    const sftpTimes = await timeEach(RUNS, () => inspectOn(ssh));
    const siftoolTimes = await timeEach(RUNS, () => {
      const r = spawnSync('siftool', ['list', file]);
      if (r.status !== 0) throw new Error(`siftool list failed: ${r.stderr}`);
    });
    const siftool = median(siftoolTimes);
    return [
      {
        name: 'inspect a sparse 4 GiB SIF on this machine, median',
        ours: { label: `ReproLab inspect (${localBytes} bytes read)`, value: median(localTimes), unit: 'ms' },
        theirs: { label: 'siftool list (header and table only)', value: siftool, unit: 'ms' },
        ratio: siftool / median(localTimes),
        note: `ReproLab reads ${(localBytes / 1024).toFixed(1)} KiB of 4 GiB, metadata objects included`,
      },
      {
        name: 'inspect the same SIF on the cluster over SFTP, median',
        ours: { label: `ReproLab over one ssh2 connection (${sftpBytes} bytes read)`, value: median(sftpTimes), unit: 'ms' },
        theirs: { label: 'siftool list run on the login node itself', value: siftool, unit: 'ms' },
        ratio: siftool / median(sftpTimes),
        note: 'byte ranges over SFTP; nothing downloaded',
      },
    ];
  } finally {
    await close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
