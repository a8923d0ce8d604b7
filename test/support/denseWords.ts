/**
 * Word lists and a seeded random source for the dense screens (denseScreens.ts): the same seed gives the same screen,
 * another seed another screen of the same kind (the bench's held-out variants use seeds never looked at while tuning).
 * Plain Node: no test framework here.
 */

/** A seeded random source (mulberry32): deterministic, so a screen and its known text never change for a seed. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** A number in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }
  /** `n` different items, in a random order. */
  sample<T>(items: readonly T[], n: number): T[] {
    if (n > items.length) throw new Error(`cannot draw ${n} different items from ${items.length}`);
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
    }
    return copy.slice(0, n);
  }
  /** A version like v4.6.1. */
  version(prefix = 'v'): string {
    return `${prefix}${this.int(1, 9)}.${this.int(0, 19)}.${this.int(0, 12)}`;
  }
  /** Hex digits (a commit, an id). */
  hex(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += '0123456789abcdef'[this.int(0, 15)];
    return s;
  }
}

/** With thousands separators: 12,345. */
export const grouped = (n: number): string => n.toLocaleString('en-US');

// ---- the dashboard ---------------------------------------------------------------------------------------------

export const REGIONS: readonly string[] = [
  'Europe West', 'Europe North', 'US East', 'US West', 'US Central', 'Canada Central', 'Brazil South', 'Asia East',
  'Japan East', 'Korea Central', 'India South', 'Australia East', 'France Central', 'Germany West', 'Norway East',
  'Sweden Central', 'Switzerland North', 'Poland Central', 'Africa South', 'Qatar Central', 'Mexico Central', 'Italy North',
];
export const STATUSES: readonly string[] = ['Healthy', 'Healthy', 'Healthy', 'Degraded', 'Healthy', 'Draining', 'Healthy', 'Paused'];
export const SERVICES: readonly string[] = ['checkout', 'payments', 'search', 'catalog', 'identity', 'billing', 'inventory', 'shipping', 'reviews', 'gateway'];
export const NAV: readonly string[] = [
  'Overview', 'Deployments', 'Services', 'Regions', 'Incidents', 'Alerts', 'Traces', 'Logs', 'Metrics', 'Releases',
  'Feature Flags', 'Audit Trail', 'Billing', 'Team Members', 'Settings', 'Documentation', 'Status Page', 'API Keys',
];
const VERBS: readonly string[] = [
  'Compare', 'Review', 'Rotate', 'Confirm', 'Archive', 'Verify', 'Measure', 'Document', 'Rebuild', 'Remove', 'Update',
  'Migrate', 'Tag', 'Audit', 'Schedule', 'Announce', 'Backfill', 'Pin', 'Restart', 'Drain',
];
const OBJECTS: readonly string[] = [
  'query plans', 'signing keys', 'alert thresholds', 'stale feature flags', 'backup snapshots', 'dashboard owners',
  'cold start latency', 'runbook links', 'container images', 'unused secrets', 'retry budgets', 'cache headers',
  'error budgets', 'load balancer rules', 'TLS certificates', 'database indexes', 'log retention', 'rate limits',
  'webhook endpoints', 'release notes',
];
const QUALIFIERS: readonly string[] = [
  'before the Friday freeze', 'for the checkout service', 'in every staging region', 'with the on-call engineer',
  'after the schema change', 'against last week', 'on the canary hosts', 'for customers in Europe', 'across both clusters',
  'before enabling autoscaling', 'with the security team', 'in the shared runbook', 'for the mobile gateway',
  'ahead of the audit', 'during the maintenance window', 'on the legacy workers',
];

/** A checklist item: "Compare query plans for the checkout service". */
export function checklistItem(rng: Rng, used: Set<string>): string {
  for (;;) {
    const item = `${rng.pick(VERBS)} ${rng.pick(OBJECTS)} ${rng.pick(QUALIFIERS)}`;
    const head = item.split(' ').slice(0, 3).join(' ');
    if (!used.has(head)) {
      used.add(head);
      return item;
    }
  }
}

export const EVENTS: readonly string[] = [
  'deployed', 'rolled back', 'scaled out to', 'paused traffic in', 'rotated keys for', 'opened incident on',
  'resolved incident on', 'promoted canary in', 'drained nodes in', 'raised the limit for',
];
export const PEOPLE: readonly string[] = ['Amara Okafor', 'Jonas Lindqvist', 'Priya Raman', 'Mateo Rossi', 'Hana Sato', 'Lena Fischer', 'Omar Haddad', 'Chloe Martin', 'Diego Alvarez', 'Yuki Tanaka'];

// ---- the editor and the terminal ----------------------------------------------------------------------------------

export const PACKAGES: readonly string[] = [
  'cache', 'undici', 'zod', 'pino', 'lru-cache', 'semver', 'chalk', 'yargs', 'dotenv', 'fastify', 'esbuild', 'vitest',
  'prettier', 'eslint', 'typescript', 'commander', 'debug', 'ws', 'uuid', 'minimatch', 'glob', 'rimraf', 'execa', 'ora',
];
export const IDENTIFIERS: readonly string[] = [
  'loadConfig', 'resolveRoute', 'parseHeader', 'retryLater', 'flushQueue', 'readManifest', 'buildIndex', 'fetchLimits',
  'renderTable', 'openSession', 'checkQuota', 'mergeOptions', 'hashPayload', 'pickRegion', 'drainPool', 'signToken',
];
export const NOUNS: readonly string[] = ['config', 'route', 'header', 'queue', 'manifest', 'index', 'limits', 'session', 'quota', 'options', 'payload', 'region', 'pool', 'token', 'request', 'client'];
export const FOLDERS: readonly string[] = ['src', 'lib', 'server', 'routes', 'models', 'utils', 'test', 'scripts', 'config', 'public', 'docs', 'types'];
export const COMMIT_SUBJECTS: readonly string[] = [
  'Fix retry loop when the socket closes early', 'Add region picker to the settings page', 'Bump lru-cache to 10.2.0',
  'Log the request id on every error', 'Drop Node 16 from the CI matrix', 'Cache parsed manifests between builds',
  'Explain the proxy variables in the README', 'Stop double counting cancelled orders', 'Move the queue drain to shutdown',
  'Keep the old token valid for one hour', 'Split the gateway tests by route', 'Read limits from the environment first',
  'Show the build number in the footer', 'Handle empty headers in parseHeader', 'Rename pickRegion to chooseRegion',
  'Retry uploads once on a 503', 'Pin esbuild to avoid the sourcemap bug', 'Guard against a missing manifest',
];
export const USERS: readonly string[] = ['dev', 'mara', 'ops', 'jonas', 'priya'];
export const MONTHS: readonly string[] = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
