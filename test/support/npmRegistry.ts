/**
 * An npm registry on 127.0.0.1 that answers as registry.npmjs.org does for the CLI's package (its tarball from
 * scripts/pack-cli.mjs) and for every package in package-lock.json: packuments made from the lock's entries (version,
 * dependencies, os/cpu/libc, integrity) and the tarballs npm itself downloaded, read from this machine's npm cache
 * (filled by `npm ci`) by their integrity — the registry's own bytes. So `npm install -g describe-image-cli` and
 * `npx describe-image-cli@X` run as a user runs them, resolving sharp by its range, and nothing leaves this machine.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';

export interface PackageManifest {
  readonly name: string;
  readonly version: string;
  readonly [key: string]: unknown;
}

/** An entry of package-lock.json's `packages`. */
interface LockEntry {
  readonly version?: string;
  readonly integrity?: string;
  readonly [key: string]: unknown;
}

/** The fields of a lock entry a registry's version document also has. */
const MANIFEST_FIELDS = ['dependencies', 'optionalDependencies', 'peerDependencies', 'os', 'cpu', 'libc', 'engines', 'bin', 'license'];

export class LocalNpmRegistry {
  /** Every path asked for, in order. */
  readonly requests: string[] = [];
  /** Tarballs asked for that the machine's npm cache does not hold. */
  readonly missing: string[] = [];
  private server: http.Server | undefined;
  private readonly bytes: Buffer;
  /** name → version → lock entry. */
  private readonly locked = new Map<string, Map<string, LockEntry>>();

  constructor(
    private readonly manifest: PackageManifest,
    tarball: string,
    lock: { packages: Record<string, LockEntry> },
    private readonly cache: string = machineNpmCache(),
  ) {
    this.bytes = readFileSync(tarball);
    for (const [key, entry] of Object.entries(lock.packages)) {
      if (!key.includes('node_modules/') || !entry.version || !entry.integrity) continue;
      const name = key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
      this.locked.set(name, (this.locked.get(name) ?? new Map<string, LockEntry>()).set(entry.version, entry));
    }
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}/`;
  }

  private tarballUrl(name: string, version: string): string {
    return `${this.url}${name}/-/${name.split('/').pop()}-${version}.tgz`;
  }

  private packument(name: string): unknown {
    if (name === this.manifest.name) {
      const { version } = this.manifest;
      const dist = { tarball: this.tarballUrl(name, version), integrity: `sha512-${createHash('sha512').update(this.bytes).digest('base64')}`, shasum: createHash('sha1').update(this.bytes).digest('hex') };
      return { name, 'dist-tags': { latest: version }, versions: { [version]: { ...this.manifest, _id: `${name}@${version}`, dist } } };
    }
    const versions = this.locked.get(name);
    if (!versions) return undefined;
    const docs = [...versions].map(([version, entry]) => [version, { name, version, _id: `${name}@${version}`, ...Object.fromEntries(MANIFEST_FIELDS.filter((f) => entry[f] !== undefined).map((f) => [f, entry[f]])), dist: { tarball: this.tarballUrl(name, version), integrity: entry.integrity } }]);
    return { name, 'dist-tags': { latest: [...versions.keys()].pop() }, versions: Object.fromEntries(docs) };
  }

  /** A tarball's bytes: the CLI's, or a locked package's from the machine's npm cache. */
  private tarball(pathname: string): Buffer | undefined {
    const match = /^\/(.+)\/-\/[^/]+-(\d[^/]*)\.tgz$/.exec(pathname);
    if (!match) return undefined;
    const [, name = '', version = ''] = match;
    if (name === this.manifest.name && version === this.manifest.version) return this.bytes;
    const integrity = this.locked.get(name)?.get(version)?.integrity;
    const file = integrity && contentPath(this.cache, integrity);
    if (file && existsSync(file)) return readFileSync(file);
    if (integrity) this.missing.push(`${name}@${version}`);
    return undefined;
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
      this.requests.push(pathname);
      const packument = req.method === 'GET' ? this.packument(pathname.slice(1)) : undefined;
      const tarball = req.method === 'GET' && !packument ? this.tarball(pathname) : undefined;
      if (packument) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(packument));
      else if (tarball) res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': tarball.length }).end(tarball);
      else res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'Not found' }));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return this.url;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** This machine's npm cache (where `npm ci` put the tarballs). */
export function machineNpmCache(): string {
  return process.env['npm_config_cache'] || execFileSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).trim();
}

/** Where an npm cache (its cacache folder, `_cacache`) keeps the content with this integrity. */
function contentPath(cache: string, integrity: string): string {
  const [algorithm = '', base64 = ''] = integrity.split(/-(.*)/s);
  const hex = Buffer.from(base64, 'base64').toString('hex');
  return path.join(cache, '_cacache', 'content-v2', algorithm, hex.slice(0, 2), hex.slice(2, 4), hex.slice(4));
}
