// Startup: what every VS Code window pays when the extension activates (JavaScript read and time, from the production
// build loaded in plain Node with a stand-in `vscode` module: bench/support/activate-probe.cjs), what the first use of
// each feature loads after that, and how long `describe-image --version` takes next to a bare `node -e 0`.
// Each probe is a fresh process; the best of RUNS is kept (the machine is shared: the minimum is the least disturbed).
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fmtBytes, fmtMs, median, repoRoot, table } from '../lib.mjs';

const RUNS = 7;
const dist = path.join(repoRoot, 'out', 'bench-dist');
/** Budgets (issue 24): activation reads at most this much JavaScript and takes at most this long; the CLI starts within this ratio. */
const BUDGET = { activationBytes: 400 * 1024, activationMs: 40, cliRatio: 2.5 };
/** The first use of each feature: the bundle its door imports when the command first runs. */
const FIRST_USE = {
  'Describe Image (first describe)': 'vscode-describe-describeCommand.js',
  'Fill Missing Alt Text (first Markdown check)': 'vscode-altText-altText.js',
  'Extract Text (first OCR)': 'vscode-extractText-extractText.js',
  'Paste panel (first open)': 'vscode-pastePanel-pastePanel.js',
};

function probe(then = FIRST_USE) {
  const args = [path.join(repoRoot, 'bench', 'support', 'activate-probe.cjs'), dist, '--then', ...Object.entries(then).map(([name, file]) => `${name}=${file}`)];
  return JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8' }));
}

/** Every bundle the extension may load: what one bundle made every window read before the split. */
function everything() {
  return readdirSync(dist).filter((f) => f.endsWith('.js') && !f.startsWith('cli') && f !== 'extension.js').join(',');
}

function wallMs(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

export async function run() {
  execFileSync(process.execPath, [path.join(repoRoot, 'esbuild.mjs'), '--production'], { env: { ...process.env, DESCRIBE_IMAGE_DIST: dist }, stdio: 'ignore' });
  const probes = [];
  const whole = [];
  for (let i = 0; i < RUNS; i++) {
    probes.push(probe());
    whole.push(probe({ all: everything() }));
  }
  const all = { bytes: whole[0].activation.bytes + whole[0].then.all.bytes, ms: Math.min(...whole.map((p) => p.activation.ms + p.then.all.ms)) };
  const best = (pick) => Math.min(...probes.map(pick));
  const first = probes[0];
  const activation = { bytes: first.activation.bytes, ms: best((p) => p.activation.ms) };
  const rows = [
    ['Activation (every window)', fmtBytes(activation.bytes), fmtMs(activation.ms), `${first.activation.files.length} files, ${first.activation.registered} registrations`],
    ...Object.keys(FIRST_USE).map((name) => [`then ${name}`, fmtBytes(first.then[name].bytes), fmtMs(best((p) => p.then[name].ms)), `${first.then[name].files.length} files`]),
  ];
  // The CLI: alternate the two so both see the same load.
  const cli = path.join(dist, 'cli.js');
  const node = [];
  const version = [];
  for (let i = 0; i < RUNS; i++) {
    node.push(wallMs(['-e', '0']));
    version.push(wallMs([cli, '--version']));
  }
  const ratio = median(version) / median(node);
  const verdict = (ok) => (ok ? 'within budget' : '**over budget**');
  return [
    '## Startup',
    '',
    `Production build, loaded in plain Node with a stand-in \`vscode\` module; best of ${RUNS} fresh processes. First-use rows are what that feature loads on top of activation (shared bundles already read by an earlier row are not counted again).`,
    '',
    table(['What', 'JavaScript read', 'Time', 'Notes'], rows),
    '',
    `Activation: ${fmtBytes(activation.bytes)} (budget ${fmtBytes(BUDGET.activationBytes)}: ${verdict(activation.bytes <= BUDGET.activationBytes)}), ${fmtMs(activation.ms)} (budget ${BUDGET.activationMs} ms: ${verdict(activation.ms <= BUDGET.activationMs)}).`,
    `Loading everything the extension has, as every window did before the split (one 2.15 MB bundle): ${fmtBytes(all.bytes)} in ${fmtMs(all.ms)}, measured in the same run: activation now reads ${((activation.bytes / all.bytes) * 100).toFixed(1)} % of the bytes in ${((activation.ms / all.ms) * 100).toFixed(0)} % of the time.`,
    '',
    table(['Command', `Median of ${RUNS}`], [['node -e 0', fmtMs(median(node))], ['describe-image --version', fmtMs(median(version))]]),
    '',
    `CLI start: ${ratio.toFixed(2)}× a bare Node start (budget ${BUDGET.cliRatio}×: ${verdict(ratio <= BUDGET.cliRatio)}; it was about 4× before the split).`,
  ].join('\n');
}
