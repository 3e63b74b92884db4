// Loaded by the extension host as --extensionTestsPath: runs every *.test.js beside this file in mocha.
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';

export async function run(): Promise<void> {
  // REPROLAB_TEST_GREP runs only the tests whose names match it.
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60000, reporter: 'spec', ...(process.env.REPROLAB_TEST_GREP ? { grep: process.env.REPROLAB_TEST_GREP } : {}) });
  for (const file of fs.readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort()) mocha.addFile(path.join(__dirname, file));
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failures > 0) throw new Error(`${failures} extension test(s) failed`);
}
