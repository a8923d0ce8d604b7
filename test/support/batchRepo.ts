/**
 * What the batch CLI tests share: a docs repository in a temporary folder, the environment that points the CLI at the
 * local Batch-like server in its shape (Azure v1 or classic, OpenAI), and the built CLI run in that repository.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findImages } from '../../src/core/finders';
import type { BatchLikeServer } from './batchServer';
import { runCliProcess, type CliProcessOptions } from './cli';
import { image } from './paths';

export interface BatchRepo {
  /** The temporary folder (the network guard's log is kept there, outside the repository). */
  readonly tmp: string;
  /** The repository: `docs/` holds the pages and images. */
  readonly repo: string;
}

/** A repository with `docs/` holding the named test images and the pages given (name → Markdown). */
export async function makeBatchRepo(prefix: string, images: readonly string[], pages: Readonly<Record<string, string>>): Promise<BatchRepo> {
  const tmp = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), prefix)));
  const repo = path.join(tmp, 'repo');
  await fs.mkdir(path.join(repo, 'docs'), { recursive: true });
  for (const name of images) await fs.copyFile(image(name), path.join(repo, 'docs', name));
  for (const [name, text] of Object.entries(pages)) await fs.writeFile(path.join(repo, 'docs', name), text);
  return { tmp, repo };
}

/** The environment for the server's shape: Azure (v1, or classic with an old api-version) or OpenAI. */
export function batchEnv(server: BatchLikeServer, extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  if (server.shape === 'openai') return { DESCRIBE_IMAGE_PROVIDER: 'openai', OPENAI_BASE_URL: server.url, OPENAI_MODEL: 'gpt-4o', OPENAI_API_KEY: server.key, ...extra };
  const classic = server.shape === 'azure-classic' ? { OPENAI_API_VERSION: '2024-02-15-preview' } : {};
  return { AZURE_OPENAI_ENDPOINT: server.url, AZURE_OPENAI_DEPLOYMENT: 'gpt-4o-batch', AZURE_OPENAI_API_KEY: server.key, ...classic, ...extra };
}

/** `describe-image alt-text <args> docs` in the repository, against the server, the key kept out of its output. */
export function runBatchCli(r: BatchRepo, server: BatchLikeServer, args: readonly string[], more: Partial<CliProcessOptions> = {}): ReturnType<typeof runCliProcess> {
  return runCliProcess(['alt-text', ...args, 'docs'], { cwd: r.repo, guardLog: path.join(r.tmp, 'guard.log'), secrets: [server.key], env: batchEnv(server), ...more });
}

/** The saved batch job of the repository. */
export const batchStatePath = (r: BatchRepo): string => path.join(r.repo, '.describe-image', 'batch.json');

/** The alt text of every image of a Markdown page, read with the project's finder. */
export async function markdownAlts(r: BatchRepo, rel: string): Promise<string[]> {
  return findImages(await fs.readFile(path.join(r.repo, rel), 'utf8'), 'markdown').map((i) => i.alt ?? '');
}
