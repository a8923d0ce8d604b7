/**
 * The Describe Image command: registered at activation; the describe engine, image preparation and the result document
 * are loaded the first time an image is described (describeCommand.ts).
 */
import * as vscode from 'vscode';
import { COMMANDS, type DescribeDeps } from '../base';
import type { DescribeOptions } from './describeCommand';

export type { DescribeOptions } from './describeCommand';

/** Describe the images and open the result (the paste panel's path too). Undefined: stopped, cancelled or failed. */
export async function describeUris(deps: DescribeDeps, uris: readonly vscode.Uri[], options: DescribeOptions = {}): Promise<vscode.TextDocument | undefined> {
  return (await import('./describeCommand')).describeUris(deps, uris, options);
}

export function registerDescribe(deps: DescribeDeps): vscode.Disposable[] {
  return [vscode.commands.registerCommand(COMMANDS.describe, async (uri?: unknown, uris?: unknown) => (await import('./describeCommand')).describeCommand(deps, uri, uris))];
}
