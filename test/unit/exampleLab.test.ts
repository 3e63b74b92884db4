import * as assert from 'assert';
import { readFileSync } from 'fs';
import * as path from 'path';
import { parseRunConfig } from '../../src/core/runs/runConfig';
import { headerValue, parseDefinition } from '../../src/core/sif/definition';
import { checkDefinition } from '../../src/core/sif/definitionDiagnostics';
import { repoRoot } from '../paths';

// The build files of examples/sklearn-lab (the lab itself runs in test/integration/exampleLab.test.ts).
const read = (name: string) => readFileSync(path.join(repoRoot, 'examples', 'sklearn-lab', name), 'utf8');

describe('example lab: build files', () => {
  it('has a definition file that raises no diagnostics, on a pinned base, running the lab', () => {
    const text = read('sklearn-lab.def');
    assert.deepStrictEqual(checkDefinition(text), []);
    const [stage] = parseDefinition(text).stages;
    assert.strictEqual(headerValue(stage, 'Bootstrap'), 'docker');
    assert.match(headerValue(stage, 'From') ?? '', /^python:\d+\.\d+\.\d+-slim-bookworm$/);
    assert.match(text, /^%runscript\n {4}exec python3 \/opt\/lab\/main\.py "\$@"$/m);
    assert.match(text, /pip install --no-cache-dir -r \/opt\/lab\/requirements\.txt/);
  });

  it('pins every requirement, and the Dockerfile builds from the same base and requirements', () => {
    const requirements = read('requirements.txt').split('\n').filter((l) => l.trim() && !l.startsWith('#'));
    assert.ok(requirements.length >= 6);
    for (const line of requirements) assert.match(line, /^[A-Za-z0-9_.-]+==\d+(\.\d+)+$/, line);
    assert.ok(requirements.includes('scikit-learn==1.2.1'), 'the version Debian 12 ships, as build-sif.sh uses');
    const dockerfile = read('Dockerfile');
    const base = headerValue(parseDefinition(read('sklearn-lab.def')).stages[0], 'From');
    assert.match(dockerfile, new RegExp(`^FROM ${base!.replace(/\./g, '\\.')}$`, 'm'));
    assert.match(dockerfile, /^RUN pip install --no-cache-dir -r \/opt\/lab\/requirements\.txt$/m);
    assert.match(dockerfile, /^ENTRYPOINT \["python3", "\/opt\/lab\/main\.py"\]$/m);
  });

  it('ships a run configuration that the schema accepts, for this machine, with a seed', () => {
    const parsed = parseRunConfig(read('run-config.yaml'));
    assert.deepStrictEqual(parsed.diagnostics, []);
    assert.deepStrictEqual(parsed.config?.target, { type: 'local' });
    assert.strictEqual(parsed.config?.arguments?.['random-state'], 0);
    assert.deepStrictEqual(parsed.config?.arguments?.scoring, ['accuracy', 'roc_auc', 'f1']);
  });
});
