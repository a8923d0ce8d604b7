/**
 * The npm package as a user gets it: `npm run pack:cli` (scripts/pack-cli.mjs) makes describe-image-cli-<version>.tgz,
 * a loopback registry serves it (and sharp from this machine's npm cache), and `npm install -g describe-image-cli`
 * puts it in an empty prefix — npm itself under the network guard, with an empty cache of its own.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { LocalNpmRegistry, machineNpmCache, type PackageManifest } from '../../support/npmRegistry';
import { networkGuard, repoRoot } from '../../support/paths';

const run = promisify(execFile);

export interface InstalledCli {
  /** The temporary folder that holds everything below. */
  readonly tmp: string;
  readonly tarball: string;
  readonly manifest: PackageManifest;
  readonly registry: LocalNpmRegistry;
  /** The installed `describe-image` (`<prefix>/bin/describe-image`). */
  readonly bin: string;
  /** Variables that make npm and npx use the loopback registry and an empty cache, under the network guard. */
  readonly npmEnv: Record<string, string>;
  readonly guardLog: string;
  /** What nothing may have tried: connections that are not loopback (the guard's log). */
  outside(): string;
  stop(): Promise<void>;
}

/** Pack, serve and install the CLI. */
export async function installCli(): Promise<InstalledCli> {
  const { stdout } = await run(process.execPath, [path.join(repoRoot, 'scripts', 'pack-cli.mjs')], { cwd: repoRoot, maxBuffer: 16 * 1024 * 1024 });
  const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'out', 'cli-package', 'package.json'), 'utf8')) as PackageManifest;
  const tarball = path.join(repoRoot, `${manifest.name}-${manifest.version}.tgz`);
  assert.ok(existsSync(tarball), `pack-cli made ${tarball}: ${stdout}`);
  const registry = new LocalNpmRegistry(manifest, tarball, JSON.parse(readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string; integrity?: string }> });
  await registry.start();
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'di-package-'));
  const guardLog = path.join(tmp, 'network-guard.log');
  const npmEnv = {
    PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env['PATH'] ?? ''}`,
    HOME: tmp,
    NODE_OPTIONS: `--require ${JSON.stringify(networkGuard)}`,
    NETWORK_GUARD_LOG: guardLog,
    npm_config_registry: registry.url,
    npm_config_cache: path.join(tmp, 'npm-cache'),
    npm_config_userconfig: path.join(tmp, 'npmrc'),
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    npm_config_fetch_retries: '0',
  };
  const prefix = path.join(tmp, 'prefix');
  await run('npm', ['install', '--global', '--prefix', prefix, `${manifest.name}@${manifest.version}`], { cwd: tmp, env: npmEnv }).catch(async (e: Error) => {
    await registry.stop();
    await fs.rm(tmp, { recursive: true, force: true });
    const missing = registry.missing.length ? `; not in the npm cache ${machineNpmCache()} (run \`npm ci\` to fill it): ${registry.missing.join(', ')}` : '';
    throw new Error(`npm install -g ${manifest.name} from the loopback registry failed${missing}\n${e.message}`);
  });
  const outside = () => (existsSync(guardLog) ? readFileSync(guardLog, 'utf8') : '');
  return {
    tmp,
    tarball,
    manifest,
    registry,
    bin: path.join(prefix, 'bin', 'describe-image'),
    npmEnv,
    guardLog,
    outside,
    stop: async () => {
      await registry.stop();
      await fs.rm(tmp, { recursive: true, force: true });
    },
  };
}
