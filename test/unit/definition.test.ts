import * as assert from 'assert';
import { readdirSync, readFileSync } from 'fs';
import { headerValue, parseDefinition, parseFiles, parseLabels } from '../../src/core/sif/definition';
import { fixture } from '../paths';

const def = (name: string) => parseDefinition(readFileSync(fixture('def-files', name), 'utf8'));
const sectionNames = (name: string) => def(name).stages.flatMap((s) => s.sections.map((x) => x.name));

describe('definition files', () => {
  it('parses every corpus file into at least one stage', () => {
    const files = readdirSync(fixture('def-files')).filter((f) => f.endsWith('.def'));
    assert.strictEqual(files.length, 33);
    for (const file of files) {
      const parsed = def(file);
      assert.ok(parsed.stages.length >= 1, file);
      if (!file.startsWith('singularity_legacy_2.1')) assert.ok(headerValue(parsed.stages[0], 'bootstrap'), `${file} has a bootstrap agent`);
    }
  });

  it('reads lower-case headers and every app section with its app name', () => {
    const d = def('apptainer_e2e_testdata_Apptainer.def');
    assert.strictEqual(headerValue(d.stages[0], 'Bootstrap'), 'oras');
    const apps = d.stages[0].sections.filter((s) => s.app).map((s) => `${s.name}:${s.app}`);
    assert.deepStrictEqual(apps, ['appenv:testapp', 'appinstall:testapp', 'apprun:testapp', 'appinstall:foo', 'appinstall:bar',
      'apphelp:foo', 'applabels:foo', 'applabels:bar', 'appenv:foo', 'apprun:foo', 'appstart:foo']);
    for (const name of ['appenv', 'appinstall', 'apprun', 'apphelp', 'applabels', 'appstart', 'startscript', 'setup', 'test']) {
      assert.ok(sectionNames('apptainer_e2e_testdata_Apptainer.def').includes(name), name);
    }
  });

  it('splits multi-stage files at each bootstrap: line, keeping Stage names and %files from', () => {
    const d = def('apptainer_examples_multistage.def');
    assert.deepStrictEqual(d.stages.map((s) => s.name), ['one', 'two']);
    const files = d.stages[1].sections.find((s) => s.name === 'files')!;
    assert.strictEqual(files.args, 'from one');
    const lower = def('apptainer_regression_issue_4203_lowercase_stages.def');
    assert.strictEqual(lower.stages.length, 2);
    assert.strictEqual(lower.stages[0].name, 'build');
  });

  it('keeps section options and build-arg templates as written', () => {
    const post = def('apptainer_regression_issue_4967_post_interpreter.def').stages[0].sections.find((s) => s.name === 'post')!;
    assert.strictEqual(post.args, '-c /bin/busybox sh');
    const args = def('apptainer_build_args_multiple_stage.def');
    assert.ok(args.noFinalNewline);
    assert.ok(args.stages.some((s) => s.sections.some((x) => x.name === 'arguments')));
    assert.match(headerValue(args.stages[0], 'from') ?? '', /\{\{\s*DEVEL_IMAGE\s*\}\}/);
  });

  it('drops a trailing comment from a header value and accepts a space before the colon', () => {
    assert.strictEqual(headerValue(def('apptainer_examples_docker_trailing_comment.def').stages[0], 'from'), 'busybox:latest');
    const spaced = def('catalog_sylvainschmitt_space_before_colon.def').stages[0];
    assert.strictEqual(headerValue(spaced, 'from'), 'continuumio/miniconda3');
    assert.strictEqual(headerValue(spaced, 'includecmd'), 'yes');
    assert.strictEqual(headerValue(def('catalog_kkelchte_capitalised_Labels_no_space.def').stages[0], 'bootstrap'), 'docker');
  });

  it('lower-cases section names and starts a section at an indented % line, as Apptainer does', () => {
    assert.ok(sectionNames('catalog_kkelchte_capitalised_Labels_no_space.def').includes('labels'));
    const felix = def('catalog_FelixKrueger_indented_section_in_post.def').stages[0].sections;
    const env = felix.find((s) => s.name === 'environment')!;
    const post = felix.find((s) => s.name === 'post')!;
    assert.ok(env.line > post.line, 'the indented %environment ends %post');
    assert.strictEqual(sectionNames('catalog_polar-pfc_repeated_post_with_comments.def').filter((n) => n === 'post').length, 3);
  });

  it('reports CRLF and a missing final newline, and tolerates a BOM', () => {
    const crlf = def('catalog_CBFLivUni_crlf.def');
    assert.ok(crlf.crlf);
    assert.ok(!crlf.stages[0].sections.some((s) => s.body.includes('\r')));
    assert.ok(def('apptainer_e2e_singularity_legacy_no_trailing_newline.def').noFinalNewline);
    const bom = parseDefinition('\ufeffBootstrap: docker\nFrom: alpine\n%post\n  echo hi\n');
    assert.ok(bom.bom);
    assert.strictEqual(headerValue(bom.stages[0], 'bootstrap'), 'docker');
  });

  it('skips commented header lines and a shebang before the header', () => {
    assert.strictEqual(headerValue(def('catalog_lixuekai2001_docker-daemon_commented_header.def').stages[0], 'bootstrap'), 'docker-daemon');
    const shebang = def('catalog_chrstphdm_shebang_post_flags.def').stages[0];
    assert.ok(headerValue(shebang, 'bootstrap'));
    assert.strictEqual(shebang.sections.find((s) => s.name === 'post')?.args, '-xe');
  });

  it('reads a pre-2.2 keyword file without sections and without crashing', () => {
    const legacy = def('singularity_legacy_2.1_ubuntu_keyword_format.def');
    assert.strictEqual(legacy.stages[0].sections.length, 0);
  });

  it('reads %labels and %files the way Apptainer splits them', () => {
    const labels = parseLabels(def('apptainer_e2e_inspector_container.def').stages[0].sections.find((s) => s.name === 'labels')!.body);
    assert.deepStrictEqual(labels, { MAINTAINER: '"WestleyK <someone@example.org>"', e2e: 'awesome', E2E: 'AWESOME', hi: '"hello world"', HI: '"HELLO WORLD"' });
    const nih = parseLabels(def('catalog_NIH-HPC_crossmap_fingerprints.def').stages[0].sections.find((s) => s.name === 'labels')!.body);
    assert.ok(Object.keys(nih).some((k) => k.endsWith(':')), 'Author: x keeps the colon in the key');
    assert.deepStrictEqual(parseFiles('# c\n\n  "a b" /opt/x\nsrc\n'), [{ source: 'a b', destination: '/opt/x', line: 2 }, { source: 'src', destination: undefined, line: 3 }]);
  });
});
