/**
 * Scaffold Image Publishing: a GitHub Actions workflow that builds the lab's Docker image and
 * pushes it to the GitHub Container Registry on pushes to the default branch and on version tags
 * (tagged with the branch, the semver parts and the commit), optionally also a SIF pushed with
 * `apptainer push ... oras://`, and the README section that tells users how to pull it.
 */

export interface PublishOptions {
  /** The branch whose pushes publish, such as `main`. */
  branch: string;
  /** Dockerfile and build context, relative to the repository root. */
  dockerfile: string;
  context: string;
  /** Also build a SIF and push it to GHCR as an ORAS artifact. */
  sif?: {
    /** Build it from this definition file; without one, from the Docker image just pushed. */
    definition?: string;
  };
  /** `owner/name` for the README (the workflow itself uses the repository it runs in). */
  repository?: string;
}

/** Every action the workflow uses, pinned to a full release so a moved tag cannot change the build. */
export const PUBLISH_ACTIONS = {
  checkout: 'actions/checkout@v4.2.2',
  setupBuildx: 'docker/setup-buildx-action@v3.7.1',
  login: 'docker/login-action@v3.3.0',
  metadata: 'docker/metadata-action@v5.5.1',
  buildPush: 'docker/build-push-action@v6.9.0',
} as const;

export const WORKFLOW_PATH = '.github/workflows/publish-image.yml';

const SAFE_PATH = /^[A-Za-z0-9._][A-Za-z0-9._/-]*$/;
const SAFE_BRANCH = /^[A-Za-z0-9._][A-Za-z0-9._/-]*$/;

function requireSafe(value: string, what: string, pattern: RegExp): string {
  if (!pattern.test(value) || value.includes('..')) throw new Error(`"${value}" cannot be the ${what} of the workflow: use a plain relative path or name (letters, digits, . _ - /).`);
  return value;
}

/** The workflow file's text; refuses names that YAML or the shell steps could misread. */
export function publishWorkflow(options: PublishOptions): string {
  const branch = requireSafe(options.branch, 'branch', SAFE_BRANCH);
  const dockerfile = requireSafe(options.dockerfile, 'Dockerfile', SAFE_PATH);
  const context = requireSafe(options.context, 'build context', SAFE_PATH);
  const definition = options.sif?.definition ? requireSafe(options.sif.definition, 'definition file', SAFE_PATH) : undefined;
  const lines = [
    '# Builds the image and publishes it to the GitHub Container Registry (ghcr.io).',
    '# Every action is pinned to a full release, so a moved tag cannot change what runs.',
    'name: Publish image',
    '',
    'on:',
    '  push:',
    `    branches: [${branch}]`,
    "    tags: ['v*.*.*']",
    '  workflow_dispatch:',
    '',
    'permissions:',
    '  contents: read',
    '  packages: write',
    '',
    'env:',
    '  REGISTRY: ghcr.io',
    '  IMAGE_NAME: ${{ github.repository }}',
    '',
    'jobs:',
    '  docker:',
    '    runs-on: ubuntu-latest',
    '    outputs:',
    '      version: ${{ steps.meta.outputs.version }}',
    '    steps:',
    '      - name: Check out the repository',
    `        uses: ${PUBLISH_ACTIONS.checkout}`,
    '      - name: Set up Docker Buildx',
    `        uses: ${PUBLISH_ACTIONS.setupBuildx}`,
    '      - name: Log in to the GitHub Container Registry',
    `        uses: ${PUBLISH_ACTIONS.login}`,
    '        with:',
    '          registry: ${{ env.REGISTRY }}',
    '          username: ${{ github.actor }}',
    '          password: ${{ secrets.GITHUB_TOKEN }}',
    '      - name: Tags and labels (branch, semver, commit)',
    '        id: meta',
    `        uses: ${PUBLISH_ACTIONS.metadata}`,
    '        with:',
    '          images: ${{ env.REGISTRY }}/${{ env.IMAGE_NAME }}',
    '          tags: |',
    '            type=ref,event=branch',
    '            type=semver,pattern={{version}}',
    '            type=semver,pattern={{major}}.{{minor}}',
    '            type=sha',
    '      - name: Build and push the Docker image',
    `        uses: ${PUBLISH_ACTIONS.buildPush}`,
    '        with:',
    `          context: ${context}`,
    `          file: ${dockerfile}`,
    '          push: true',
    '          tags: ${{ steps.meta.outputs.tags }}',
    '          labels: ${{ steps.meta.outputs.labels }}',
  ];
  if (options.sif) lines.push('', ...sifJob(definition));
  return lines.join('\n') + '\n';
}

function sifJob(definition: string | undefined): string[] {
  // Without a definition file the SIF is the Docker image just pushed, converted by Apptainer.
  const source = definition ?? 'docker://${REGISTRY}/${image}:${{ needs.docker.outputs.version }}';
  return [
    '  sif:',
    '    needs: docker',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - name: Check out the repository',
    `        uses: ${PUBLISH_ACTIONS.checkout}`,
    '      - name: Install Apptainer',
    '        run: |',
    '          sudo add-apt-repository -y ppa:apptainer/ppa',
    '          sudo apt-get update',
    '          sudo apt-get install -y apptainer',
    '      - name: Build the SIF',
    '        run: |',
    '          image="${IMAGE_NAME,,}"',
    `          apptainer build image.sif "${source}"`,
    '      - name: Push the SIF to the GitHub Container Registry',
    '        env:',
    '          GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}',
    '          VERSION: ${{ needs.docker.outputs.version }}',
    '        run: |',
    '          image="${IMAGE_NAME,,}"',
    '          echo "$GITHUB_TOKEN" | apptainer registry login --username "$GITHUB_ACTOR" --password-stdin "oras://${REGISTRY}"',
    '          apptainer push image.sif "oras://${REGISTRY}/${image}-sif:${VERSION}"',
  ];
}

/** The README section on pulling the published image with Apptainer. */
export function publishReadmeSection(options: PublishOptions): string {
  const repo = (options.repository ?? 'OWNER/REPOSITORY').toLowerCase();
  const lines = [
    '## Pulling the image',
    '',
    `Each push to \`${options.branch}\` and each version tag (\`v1.2.3\`) publishes the image to the GitHub`,
    `Container Registry, tagged with the branch, the version (\`1.2.3\` and \`1.2\`) and the commit (\`sha-abc1234\`).`,
    'On a cluster, pull it with Apptainer:',
    '',
    '```sh',
    `apptainer pull lab.sif docker://ghcr.io/${repo}:${options.branch}`,
    `apptainer pull lab-1.2.3.sif docker://ghcr.io/${repo}:1.2.3`,
  ];
  if (options.sif) {
    lines.push(`# or the ready-built SIF, with no conversion on the cluster:`, `apptainer pull lab-1.2.3.sif oras://ghcr.io/${repo}-sif:1.2.3`);
  }
  lines.push(
    '```',
    '',
    'A private package needs a login first, with a GitHub token that may read packages:',
    '`apptainer registry login --username YOUR_GITHUB_USER docker://ghcr.io`' + (options.sif ? ' (and `oras://ghcr.io` for the SIF).' : '.'),
  );
  return lines.join('\n') + '\n';
}
