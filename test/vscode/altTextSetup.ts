/**
 * What the alt-text integration suites (alt text, purposes, verify) share: the workspace folder and revertAll (from
 * ./workbench), and the extension activated and pointed at a local Azure-like server with its key.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TestApi } from '../../src/extension';
import type { AzureLikeServer } from '../support/azureServer';

export { folder, revertAll } from './workbench';

/** Start the server, activate the extension and set its endpoint, deployment and key to the server's: the test API. */
export async function connectToServer(server: AzureLikeServer): Promise<TestApi> {
  await server.start();
  const api = await vscode.extensions.getExtension<TestApi>('describe-image.describe-image')?.activate();
  assert.ok(api);
  const c = vscode.workspace.getConfiguration('describeImage');
  await c.update('endpoint', server.url, vscode.ConfigurationTarget.Global);
  await c.update('deployment', 'gpt-4o', vscode.ConfigurationTarget.Global);
  await vscode.commands.executeCommand('describeImage.setApiKey', server.key);
  return api;
}
