// The #SBATCH checks against the real sbatch (Slurm 22.05 on the test cluster), through `sbatch --test-only`,
// which parses the script and its options exactly as a submission does but queues nothing.
import * as assert from 'assert';
import * as fs from 'fs';
import { checkDirectives } from '../../src/core/slurm/directiveDiagnostics';
import { SshHost } from '../../src/core/host/ssh';
import { fixture } from '../paths';
import { labConfig, makeHome, newHost, ScriptedUser } from './sshFixtures';
import { loadServices } from './services';

const services = loadServices();

// What sbatch says when it refuses a script for each problem the checker calls an error.
const SBATCH_SAYS: Record<string, RegExp> = {
  crlf: /DOS line breaks/,
  'unknown-option': /unrecognized option|invalid option/,
  'ambiguous-option': /is ambiguous/,
  'missing-value': /Invalid --time specification|requires an argument/,
  'unexpected-value': /doesn't allow an argument/,
  'not-an-option': /Invalid directive found in batch script/,
  'bad-time': /Invalid --time specification/,
  'bad-memory': /Invalid --mem(-per-cpu)? specification/,
};

describe('#SBATCH checks against the real sbatch', function () {
  this.timeout(120000);
  let host: SshHost;
  let home: string;

  before(() => {
    home = makeHome(labConfig(services, [`IdentityFile ${services.ssh.privateKey}`, 'IdentityAgent none']), { knownHosts: fs.readFileSync(services.ssh.knownHosts, 'utf8') });
    host = newHost(home, new ScriptedUser());
  });
  after(async () => {
    await host.dispose();
    fs.rmSync(home, { recursive: true, force: true });
  });

  const testOnly = (script: string) => host.exec(['sbatch', '--test-only'], { stdin: script, cwd: '/tmp', timeoutMs: 60000 });

  it('sbatch refuses each defect the checker calls an error, with that reason, and takes the warnings and the clean script', async () => {
    const files = fs.readdirSync(fixture('sbatch-defects')).sort();
    assert.ok(files.length >= 14);
    for (const file of files) {
      const text = fs.readFileSync(fixture('sbatch-defects', file), 'utf8');
      const problems = checkDirectives(text);
      const result = await testOnly(text);
      const errors = problems.filter((p) => p.severity === 'error');
      if (errors.length === 0) {
        assert.strictEqual(result.code, 0, `${file}: sbatch should take it: ${result.stderr}`);
      } else {
        assert.notStrictEqual(result.code, 0, `${file}: sbatch should refuse it`);
        assert.match(result.stderr, SBATCH_SAYS[errors[0].code], `${file}: ${result.stderr}`);
      }
    }
  });

  it('agrees with sbatch on which --time and --mem values are well formed', async () => {
    const cases: [string, string][] = [
      ...['30', '30:00', '1:30:00', '1-12', '1-12:30', '1-12:30:15', '0-12:00:00', 'UNLIMITED', 'infinite', '-1', '1-', '1:2:3:4', '1-2:3:4:5', '90m', '1h', '1.5', '2-3-4', '1:', '$TIME'].map((v): [string, string] => ['time', v]),
      ...['0', '100', '100M', '100MB', '100m', '1G', '1g', '1GB', '1Gb', '1K', '1024k', '1KB', '1.5G', '1GiB', 'G', '1G1', '1P', '1MBB'].map((v): [string, string] => ['mem', v]),
      ...['100M', '2GiB', '1.5G'].map((v): [string, string] => ['mem-per-cpu', v]),
    ];
    for (const [option, value] of cases) {
      const script = `#!/bin/bash\n#SBATCH --${option}=${value}\ntrue\n`;
      const ours = checkDirectives(script).some((p) => p.code === 'bad-time' || p.code === 'bad-memory');
      const result = await testOnly(script);
      const theirs = /Invalid --[a-z-]+ specification/.test(result.stderr);
      assert.strictEqual(ours, theirs, `--${option}=${value}: sbatch says ${result.stderr.trim() || 'fine'}`);
    }
  });

  it('sbatch ignores a directive after the first command, as the warning says', async () => {
    const script = '#!/bin/bash\n#SBATCH --time=5\necho start\n#SBATCH --no-such-option\n';
    assert.deepStrictEqual(checkDirectives(script).map((p) => p.code), ['after-command']);
    const result = await testOnly(script);
    assert.strictEqual(result.code, 0, result.stderr);
  });
});
