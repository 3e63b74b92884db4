import * as assert from 'assert';
import { expandLocalFolder, parseClusterSettings } from '../../src/core/settings/clusters';

describe('cluster settings', () => {
  it('keeps valid clusters and defaults the name to the host', () => {
    const { clusters, problems } = parseClusterSettings([
      { name: 'Bessemer', host: 'bessemer', imageFolders: ['/fastdata/me/images', ' ', 3] },
      { host: 'local' },
    ]);
    assert.deepStrictEqual(problems, ['reprolab.clusters[0] "imageFolders" has entries that are not folder paths; they were skipped.']);
    assert.deepStrictEqual(clusters, [
      { name: 'Bessemer', host: 'bessemer', imageFolders: ['/fastdata/me/images'] },
      { name: 'local', host: 'local', imageFolders: [] },
    ]);
  });

  it('explains every entry it skips', () => {
    const { clusters, problems } = parseClusterSettings([
      'bessemer',
      { name: 'a' },
      { name: 'b', host: 'two words' },
      { name: 'c', host: 'c1' },
      { name: 'c', host: 'c2' },
    ]);
    assert.deepStrictEqual(clusters.map((c) => c.host), ['c1']);
    assert.strictEqual(problems.length, 4);
    assert.match(problems[0], /reprolab\.clusters\[0\] must be an object/);
    assert.match(problems[1], /\[1\] has no "host"/);
    assert.match(problems[2], /contains spaces/);
    assert.match(problems[3], /repeats the cluster name "c"/);
  });

  it('says when image folders or names have the wrong type', () => {
    const { clusters, problems } = parseClusterSettings([{ host: 'b', imageFolders: '/data/sif' }, { name: 3, host: 'c', imageFolders: ['/ok', 7] }]);
    assert.deepStrictEqual(clusters.map((c) => [c.name, c.imageFolders]), [['b', []], ['c', ['/ok']]]);
    assert.deepStrictEqual(problems, [
      'reprolab.clusters[0] "imageFolders" must be a list of folders, such as ["/scratch/me/images"]; it was ignored.',
      'reprolab.clusters[1] "name" must be text; the host "c" is used as its name.',
      'reprolab.clusters[1] "imageFolders" has entries that are not folder paths; they were skipped.',
    ]);
  });

  it('treats a missing setting as no clusters and a wrong type as one problem', () => {
    assert.deepStrictEqual(parseClusterSettings(undefined), { clusters: [], problems: [] });
    const wrong = parseClusterSettings({ host: 'x' });
    assert.deepStrictEqual(wrong.clusters, []);
    assert.strictEqual(wrong.problems.length, 1);
  });

  it('expands ~ and ${workspaceFolder} in local folders', () => {
    const context = { home: '/home/ada', workspaceFolder: '/work/lab' };
    assert.strictEqual(expandLocalFolder('~', context), '/home/ada');
    assert.strictEqual(expandLocalFolder('~/images', context), '/home/ada/images');
    assert.strictEqual(expandLocalFolder('${workspaceFolder}/sif', context), '/work/lab/sif');
    assert.strictEqual(expandLocalFolder('/abs/~x', context), '/abs/~x');
    assert.strictEqual(expandLocalFolder('${workspaceFolder}/sif', { home: '/home/ada' }), undefined);
    assert.strictEqual(expandLocalFolder('~\\images', { home: 'C:\\Users\\ada' }), '~\\images');
    assert.strictEqual(expandLocalFolder('~/images', { home: 'C:\\Users\\ada' }), 'C:\\Users\\ada\\images');
  });
});
