// The desktop path: the same integration suite in desktop VS Code through @vscode/test-electron. Set
// VSCODE_EXECUTABLE to a local VS Code binary (this machine and CI cannot download one: they use run-integration.mjs,
// which runs the same suite in code-server).
import path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { copyWorkspace, repoRoot } from './codeServer.mjs';

const workspace = copyWorkspace(path.join(repoRoot, 'test', 'fixtures', 'workspace'));
try {
  await runTests({
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: path.join(repoRoot, 'out', 'test', 'vscode', 'index.js'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
    ...(process.env.VSCODE_EXECUTABLE ? { vscodeExecutablePath: process.env.VSCODE_EXECUTABLE } : {}),
  });
} catch (e) {
  console.error(`run-desktop: ${e instanceof Error ? e.message : e}`);
  if (!process.env.VSCODE_EXECUTABLE) console.error('run-desktop: set VSCODE_EXECUTABLE to a desktop VS Code (downloading one needs the internet).');
  process.exit(1);
}
