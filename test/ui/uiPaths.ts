import * as fs from 'fs';
import * as path from 'path';
import { repoRoot } from '../paths';

/** The package the ui tier installs, as a user would. */
export const vsix = path.join(repoRoot, 'reprolab.vsix');
/** Where screenshots go; CI keeps test-results/. */
export const shots = path.join(repoRoot, 'test-results', 'ui');
fs.mkdirSync(shots, { recursive: true });
