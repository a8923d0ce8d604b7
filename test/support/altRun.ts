/**
 * The setup the core's alt-text run tests share (test/core/docs: generate, verify, context, purposes): an Azure-like
 * server answering as the file's model does, started before its tests and stopped after; a temporary folder (its real
 * path) that the file fills before its tests, removed after; the server's requests and scripted replies cleared
 * before each test; the settings and a client for a run against the server.
 */
import { mkdtempSync, promises as fs, realpathSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach } from 'node:test';
import { apiKeyCredential, ChatClient } from '../../src/core/net';
import { nodeTransport } from '../../src/core/nodeHttp';
import { resolveSettings, type DescribeSettings } from '../../src/core/base';
import { AzureLikeServer, type RecordedRequest } from './azureServer';

export interface AltRunSetupOptions {
  /** The fake model's answer. */
  readonly answer: (req: RecordedRequest) => string;
  /** The temporary folder's name starts so (`di-verify-core-`). */
  readonly prefix: string;
  /** Write the folder's files, once, before the tests. */
  readonly fill?: (dir: string) => Promise<void>;
}

export interface AltRunSetup {
  readonly server: AzureLikeServer;
  /** The temporary folder (its real path). */
  readonly dir: string;
  /** The settings of a run against the server (deployment gpt-4o). */
  settings(): DescribeSettings;
  /** A client of the server with its key, or with `key` (a wrong one); the caller closes it. */
  client(key?: string): ChatClient;
  /** `use` with a client of the server (see client), closed after. */
  withClient<T>(use: (client: ChatClient) => Promise<T>, key?: string): Promise<T>;
}

/** Register the file's hooks (call at its top level) and return what its tests use. */
export function altRunSetup(options: AltRunSetupOptions): AltRunSetup {
  const server = new AzureLikeServer({ answer: options.answer });
  const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), options.prefix)));
  before(async () => {
    await server.start();
    await options.fill?.(dir);
  });
  after(async () => {
    await server.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    server.requests.length = 0;
    server.script.length = 0;
  });
  const client = (key = server.key) => new ChatClient({ credential: apiKeyCredential(key), transport: nodeTransport() });
  return {
    server,
    dir,
    settings: () => resolveSettings({ endpoint: server.url, deployment: 'gpt-4o' }),
    client,
    async withClient(use, key) {
      const c = client(key);
      try {
        return await use(c);
      } finally {
        await c.close();
      }
    },
  };
}
