/**
 * describe-image alt-text check|fix <glob...>: find images without alt text in docs (Markdown, MDX, HTML, JSX/TSX),
 * and fill them in. `check` exits 1 when any is missing (for CI and pre-commit hooks); `fix --dry-run` prints a
 * unified diff. Both share the alt-text cache file with each other and with reruns.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import fg from 'fast-glob';
import ignore from 'ignore';
import { altEdit, applyEdits, DEFAULT_ALT_MAX_LENGTH, imagesWithoutAlt, type AltEdit } from '../core/altText';
import { FileAltCache, generateAltTexts, resolveImageSource } from '../core/altTextRunner';
import { ChatClient } from '../core/client';
import { checkReadyToSend } from '../core/describe';
import { DescribeError, isDescribeError, redact } from '../core/errors';
import { createDispatcher, proxyFromEnv } from '../core/http';
import { resolveSettings } from '../core/settings';
import type { CliIo } from './main';

export const ALT_USAGE = `Usage: describe-image alt-text check [--json] <glob...>
       describe-image alt-text fix [--dry-run] [options] <glob...>

Find images without alt text in Markdown, MDX, HTML and JSX/TSX files, and fill them in.

  check             list images with empty or missing alt text; exit 1 when there is any
  fix               generate the missing alt text with your deployment and write it into the files
  --json            (check) machine-readable output
  --dry-run         (fix) print a unified diff instead of writing
  --docs-root DIR   where site-absolute paths like /img/a.png start (default: the current folder)
  --cache FILE      alt-text cache (default .describe-image-cache.json); identical images and reruns cost nothing
  --max-length N    longest alt text (default ${DEFAULT_ALT_MAX_LENGTH})
  --concurrency N   requests at once, at most (default 8; halved automatically on 429)
  --endpoint, --deployment, --api-version   as for describing (or the environment variables)

Files ignored: node_modules, .git, and the patterns of .gitignore in the current folder.`;

const LANGUAGE: Readonly<Record<string, string>> = { '.md': 'markdown', '.markdown': 'markdown', '.mdx': 'mdx', '.html': 'html', '.htm': 'html', '.jsx': 'javascriptreact', '.tsx': 'typescriptreact' };

export function languageOf(file: string): string | undefined {
  return LANGUAGE[path.extname(file).toLowerCase()];
}

/** A unified diff of two texts with the same number of lines (alt edits never add lines). */
export function unifiedDiff(file: string, before: string, after: string, context = 3): string {
  const a = before.split('\n');
  const b = after.split('\n');
  if (a.length !== b.length) throw new Error('line counts differ');
  const changed = a.map((l, i) => l !== b[i]);
  const hunks: string[] = [];
  let i = 0;
  while (i < a.length) {
    if (!changed[i]) {
      i++;
      continue;
    }
    const start = Math.max(0, i - context);
    let end = i;
    while (end < a.length && (changed[end] || changed.slice(end + 1, end + 1 + 2 * context).some(Boolean))) end++;
    end = Math.min(a.length, end + context);
    const lines: string[] = [];
    for (let j = start; j < end; j++) {
      if (changed[j]) lines.push(`-${a[j]}`, `+${b[j]}`);
      else lines.push(` ${a[j]}`);
    }
    const n = end - start;
    hunks.push(`@@ -${start + 1},${n} +${start + 1},${n} @@\n${lines.join('\n')}`);
    i = end;
  }
  return hunks.length ? `--- a/${file}\n+++ b/${file}\n${hunks.join('\n')}\n` : '';
}

async function listFiles(patterns: string[], cwd: string): Promise<string[]> {
  const ig = ignore();
  try {
    ig.add(await fs.readFile(path.join(cwd, '.gitignore'), 'utf8'));
  } catch {
    // no .gitignore
  }
  const files = await fg(patterns, { cwd, ignore: ['**/node_modules/**', '**/.git/**'], onlyFiles: true, dot: false });
  return files.filter((f) => languageOf(f) && !ig.ignores(f)).sort();
}

export async function runAltText(argv: readonly string[], io: CliIo): Promise<number> {
  const key = io.env['AZURE_OPENAI_API_KEY'];
  const secrets = key ? [key] : [];
  const fail = (code: number, message: string) => {
    io.stderr(`describe-image alt-text: ${redact(message, secrets)}\n`);
    return code;
  };
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        json: { type: 'boolean' },
        'dry-run': { type: 'boolean' },
        'docs-root': { type: 'string' },
        cache: { type: 'string' },
        'max-length': { type: 'string' },
        concurrency: { type: 'string' },
        endpoint: { type: 'string' },
        deployment: { type: 'string' },
        'api-version': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    return fail(2, `${(e as Error).message}\n\n${ALT_USAGE}`);
  }
  const v = parsed.values;
  const [mode, ...patterns] = parsed.positionals;
  if (v.help || !mode) {
    io.stdout(`${ALT_USAGE}\n`);
    return v.help ? 0 : 2;
  }
  if (mode !== 'check' && mode !== 'fix') return fail(2, `unknown mode "${mode}": use check or fix.\n\n${ALT_USAGE}`);
  if (patterns.length === 0) return fail(2, 'no files given: name files or globs, e.g. "docs/**/*.md".');
  const docsRoot = path.resolve(io.cwd, v['docs-root'] ?? '.');
  const files = await listFiles(patterns, io.cwd);
  const missing: { file: string; line: number; src: string; syntax: string }[] = [];
  const texts = new Map<string, string>();
  for (const file of files) {
    const text = await fs.readFile(path.join(io.cwd, file), 'utf8');
    texts.set(file, text);
    for (const image of imagesWithoutAlt(text, languageOf(file) ?? 'markdown')) missing.push({ file, line: image.line + 1, src: image.src, syntax: image.syntax });
  }
  if (mode === 'check') {
    if (v.json) io.stdout(`${JSON.stringify({ files: files.length, missing }, null, 2)}\n`);
    else {
      for (const m of missing) io.stdout(`${m.file}:${m.line}: image without alt text: ${m.src}\n`);
      io.stderr(`describe-image alt-text: ${missing.length} image(s) without alt text in ${files.length} file(s).\n`);
    }
    return missing.length > 0 ? 1 : 0;
  }
  // fix
  const maxLength = v['max-length'] !== undefined ? Number(v['max-length']) : DEFAULT_ALT_MAX_LENGTH;
  if (!Number.isInteger(maxLength) || maxLength < 20 || maxLength > 1000) return fail(2, `--max-length must be a whole number from 20 to 1000 (got ${v['max-length']}).`);
  const concurrency = v.concurrency !== undefined ? Number(v.concurrency) : 8;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) return fail(2, `--concurrency must be a whole number from 1 to 64 (got ${v.concurrency}).`);
  if (missing.length === 0) {
    io.stderr(`describe-image alt-text: every image in ${files.length} file(s) has alt text.\n`);
    return 0;
  }
  try {
    const settings = resolveSettings({
      endpoint: v.endpoint ?? io.env['AZURE_OPENAI_ENDPOINT'],
      deployment: v.deployment ?? io.env['AZURE_OPENAI_DEPLOYMENT'],
      apiVersion: v['api-version'] ?? io.env['OPENAI_API_VERSION'],
    });
    checkReadyToSend(settings, key);
    const cache = await FileAltCache.load(path.resolve(io.cwd, v.cache ?? '.describe-image-cache.json'));
    const dispatcher = createDispatcher(proxyFromEnv(io.env));
    const client = new ChatClient({ apiKey: key, dispatcher });
    const jobs: { id: string; source: string; file: string }[] = [];
    const skipped: string[] = [];
    for (const file of files) {
      const text = texts.get(file) ?? '';
      for (const image of imagesWithoutAlt(text, languageOf(file) ?? 'markdown')) {
        const source = resolveImageSource(image.src, path.join(io.cwd, file), docsRoot);
        if (!source) skipped.push(`${file}:${image.line + 1}: ${image.src} is not a file or http(s) URL`);
        else jobs.push({ id: `${file}:${image.start}`, source, file });
      }
    }
    let results;
    let stats;
    try {
      ({ results, stats } = await generateAltTexts(jobs, {
        settings,
        apiKey: key,
        client,
        cache,
        maxLength,
        maxConcurrency: concurrency,
        signal: io.signal,
        onProgress: (done, total, current) => io.stderr(`describe-image alt-text: ${done} of ${total} (${path.relative(io.cwd, current) || current})\n`),
      }));
    } finally {
      await cache.save();
      await client.close();
      await dispatcher.close();
    }
    let changedFiles = 0;
    for (const file of files) {
      const text = texts.get(file) ?? '';
      const edits: AltEdit[] = [];
      for (const image of imagesWithoutAlt(text, languageOf(file) ?? 'markdown')) {
        const outcome = results.get(`${file}:${image.start}`);
        if (outcome?.ok) edits.push(altEdit(image, outcome.alt, text));
        else if (outcome) skipped.push(`${file}:${image.line + 1}: ${image.src}: ${outcome.reason}`);
      }
      if (!edits.length) continue;
      const updated = applyEdits(text, edits);
      changedFiles++;
      if (v['dry-run']) io.stdout(unifiedDiff(file.split(path.sep).join('/'), text, updated));
      else {
        // Write only if the file did not change while we worked: never overwrite someone's edit.
        const now = await fs.readFile(path.join(io.cwd, file), 'utf8');
        if (now !== text) {
          skipped.push(`${file}: changed while alt text was generated; not written (run again).`);
          continue;
        }
        await fs.writeFile(path.join(io.cwd, file), updated);
      }
    }
    for (const s of skipped) io.stderr(`describe-image alt-text: skipped ${redact(s, secrets)}\n`);
    io.stderr(
      `describe-image alt-text: ${v['dry-run'] ? 'would fill' : 'filled'} ${[...results.values()].filter((r) => r.ok).length} of ${missing.length} in ${changedFiles} file(s); ` +
        `${stats.sent} request(s) sent, ${stats.cached} from the cache, ${stats.deduplicated} duplicate(s).\n`,
    );
    return skipped.length > 0 ? 1 : 0;
  } catch (e) {
    if (isDescribeError(e)) return fail(e.isInputError ? 2 : 1, e.message);
    if (e instanceof DescribeError) return fail(1, e.message);
    return fail(1, `unexpected error: ${e instanceof Error ? e.message : String(e)}`);
  }
}
