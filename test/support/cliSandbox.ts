/**
 * A CLI test file's sandbox: an Azure-like server on 127.0.0.1 and a temporary folder (with the network guard's log
 * in it), started before the file's tests, cleared before each test, removed after them.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach } from 'node:test';
import { AzureLikeServer } from './azureServer';

export interface CliSandbox {
  readonly server: AzureLikeServer;
  /** The folder the CLI runs in (set once the file's tests start). */
  dir: string;
  guardLog: string;
}

export function cliSandbox(prefix: string, setup?: (dir: string) => Promise<void>): CliSandbox {
  const box: CliSandbox = { server: new AzureLikeServer(), dir: '', guardLog: '' };
  before(async () => {
    await box.server.start();
    box.dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
    box.guardLog = path.join(box.dir, 'network-guard.log');
    await setup?.(box.dir);
  });
  after(async () => {
    await box.server.stop();
    await fs.rm(box.dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    box.server.requests.length = 0;
    box.server.script.length = 0;
  });
  return box;
}
