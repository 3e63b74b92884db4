import * as path from 'path';

/** The repository root, from compiled tests under out/test/... as well as from sources. */
export const repoRoot = path.resolve(__dirname, __dirname.includes(`${path.sep}out${path.sep}`) ? '../..' : '..');
/** Path of a file under test/fixtures. */
export const fixture = (...parts: string[]): string => path.join(repoRoot, 'test', 'fixtures', ...parts);
