/**
 * describe-image alt-text check|fix <path or glob...>: find images without good alt text in docs (Markdown, MDX,
 * HTML, JSX/TSX) with the real parsers, report them in the format CI wants, and fill them in — each write checked by
 * reading the file back, atomic, and only if the file did not change meanwhile.
 */
import * as path from 'node:path';
import type { parseArgs } from 'node:util';
import { checkDocs, withVerified, type DocFile } from '../../core/docs';
import { DirectoryCache, isInside } from '../../core/docs';
import { checkSummary, formatReport, REPORT_FORMATS, type ReportFormat } from '../../core/docs';
import { failsCheck, isDescribeError, redact, DEFAULT_DOC_GLOB, DEFAULT_ALT_CONCURRENCY, DEFAULT_ALT_MAX_LENGTH, isRuleId, RULE_IDS, type RuleId } from '../../core/base';
import { ENDPOINT_OPTIONS, errorCodeOf, failure, parseCliArgs, secretsInEnv, UsageError, WaitingLine, type Failure } from '../base';
import type { CliIo } from '../base';
import { detectSites } from '../../core/sites';
import { runSites, siteLines } from './sites';
import { fixDocs } from './fix';
import { batchFix, DEFAULT_POLL_SECONDS, type BatchFlags } from './batch';
import { verifyDocs, type VerifyOptions } from './verify';
import { verifyBatch, type Verified } from './batchVerify';

declare const __VERSION__: string;

export const ALT_USAGE = `Usage: describe-image alt-text check [options] <path or glob...>
       describe-image alt-text fix [options] <path or glob...>
       describe-image alt-text sites [--json] [DIR]

Find images without good alt text in Markdown, MDX, HTML and JSX/TSX files (folders are searched for
${DEFAULT_DOC_GLOB}), and fill it in.

  check               report findings; exit 1 when there is any (but alt-duplicate, reported without failing)
  fix                 generate the missing alt text with your deployment and write it into the files; says on
                      stderr how many requests it will send (after duplicates and the cache) before sending
  sites               show the docs sites found in or above DIR (default: the current folder) and one or two
                      levels below, and what was read from their configuration (never run): DocFX/Learn,
                      Docusaurus, VitePress, Astro/Starlight, MkDocs, Hugo, Jekyll, Next.js. A .md page of a
                      site that compiles Markdown as MDX (Docusaurus 3, Next.js with md pages) is read as MDX

Images: <img>, Markdown images, and the image components Image, Picture and ThemedImage; name more in a
.describe-image.json (the nearest in the page's folder or above, up to the repository root), e.g.
{"imageComponents": {"Illustration": {"src": "src", "alt": "alt"}, "Diagram": {"src": null, "alt": "alt"}}}

Rules (each can be turned off with --disable):
  alt-missing         an image without alt text, or with only spaces (markdownlint MD045; HTML alt="",
                      aria-hidden="true" and role="presentation" mark an image as decorative on purpose)
  alt-uninformative   alt text that says nothing: a file name or slug (img_0231), a screenshot tool's default name,
                      a placeholder or generic word in any of ten languages (alt text, image, TODO), a numbered
                      label (Step one), alt that calls the image decorative (use alt=""), or a repeat of the
                      heading or caption (not on a linked image). Human words that are also the file's name
                      ("Join page" on join-page.png) are fine
  alt-too-long        alt text over twice --max-length in width (250; a CJK character counts two), light/dark
                      twins once
  alt-duplicate       two different images with the same alt text in one file (a warning: check still exits 0)
  alt-mismatch        (only with --verify) alt text that the model, shown the image, its alt text and its
                      context, found does not describe it; reported with the suggested replacement
  image-path-case     a link that differs from its file in letter case (broken on case-sensitive file systems)
  image-missing       a link to a file that does not exist (remote URLs are not fetched). On a docs site,
                      /img/a.png is looked up where the site serves it from (Docusaurus static/, VitePress,
                      Astro and Next.js public/, MkDocs docs_dir, Hugo static/ and assets/, Jekyll's source); a Learn
                      /… link to another docset is not checked

Options:
  --format F          check output: text (default; path:line:column rule message), json, sarif, github
  --json              same as --format json
  --disable R[,R]     turn rules off
  --max-length N      longest alt text written (default ${DEFAULT_ALT_MAX_LENGTH}); alt-too-long reports twice that
  --docs-root DIR     where docs sites are looked for (see sites), and where site-absolute links like /img/a.png
                      start on no site; inside the current folder (default: it)
  --verify            (check) also ask the model whether each existing alt text describes its image (one request
                      per distinct image + alt text + context; never on by default). Says on stderr how many
                      images and requests before sending; answers are cached (--cache), so a rerun sends nothing.
                      Needs the endpoint flags or environment variables as fix does
  --max-requests N    (fix, check --verify) send nothing, write nothing, exit 2, when more than N requests would
                      be sent (for CI); both say on stderr how many they will send before sending
  --verbose           say which docs sites were found and what of their configuration was guessed
  --dry-run           (fix) print a unified diff; writes nothing (no file, no cache)
  --rewrite-uninformative  (fix) also replace alt text that says nothing (not alt that calls its image
                      decorative: that wants alt="", by hand)
  --fix-path-case     (fix) rewrite links to the file's real letter case
  --no-context        (fix, --verify) do not send the image's context (heading, introducing sentence, caption,
                      title, text around it); each image is then asked once, wherever it is used
  --cache FILE        (fix, --verify) alt-text cache: reruns and duplicates cost nothing. Default: your cache folder
                      (~/.cache/describe-image/alt-text-cache.json, $XDG_CACHE_HOME, %LOCALAPPDATA%); give a file
                      in the repository to share it with CI (commit it, or keep it as a CI cache)
  --concurrency N     (fix, --verify) requests at once, at most (default ${DEFAULT_ALT_CONCURRENCY}; halved automatically on 429)
  --batch             (fix, check --verify) use the provider's Batch API (Azure OpenAI Global Batch deployment, OpenAI): about
                      half the price and a quota of its own, results within 24 hours. The first run says what
                      it costs, submits the requests still missing (cached answers are not asked again), saves
                      the job in .describe-image/batch.json and exits 0 without touching the documents; run the
                      same command again: while the job runs it says its status (nothing else is sent); once
                      done it writes the answers (documents edited since submission are skipped and named;
                      failed requests are said with their reason) and clears the job. In CI: submit in one
                      workflow run, apply in a scheduled one, keeping .describe-image/ (commit it or cache it).
                      With check --verify the same for verifying: the verdicts become alt-mismatch findings once
                      the job is done; until then the report has the other rules' findings and says so
  --batch-status      (fix, check --verify) say where the saved batch job is; send and write nothing else
  --batch-cancel      (fix, check --verify) cancel the saved batch job (run --batch again to apply what was done before)
  --wait              (with --batch) keep running and ask every --poll-interval N seconds (default 60) until the job
                      is done, then apply it; Ctrl+C stops waiting (the job stays saved)
  --endpoint, --deployment, --api-version, --auth, --provider, --base-url, --model
                      as for describing (or the environment variables)

Files and links must be inside the current folder: paths that lead out of it are refused. node_modules, .git and
what .gitignore files say (nested ones too) are left out.`;

export async function runAltText(argv: readonly string[], io: CliIo): Promise<number> {
  const secrets = secretsInEnv(io.env);
  const hide = (text: string) => redact(text, secrets);
  const say = (text: string) => io.stderr(`describe-image alt-text: ${hide(text)}\n`);
  const output = { json: false };
  const fail = failure(io, 'describe-image alt-text', hide, () => output.json);
  try {
    return await altText(argv, io, { say, fail, output });
  } catch (e) {
    // What no check foresaw (an I/O error of the system): one sentence, never a stack trace.
    return fail(1, `unexpected error: ${e instanceof Error ? e.message : String(e)}`, errorCodeOf(e));
  }
}

interface Say {
  readonly say: (text: string) => void;
  readonly fail: Failure;
  /** Whether failures are also printed as JSON on stdout (--json, --format json). */
  readonly output: { json: boolean };
}

const ALT_OPTIONS = {
  format: { type: 'string' },
  json: { type: 'boolean' },
  disable: { type: 'string', multiple: true },
  'dry-run': { type: 'boolean' },
  'rewrite-uninformative': { type: 'boolean' },
  'fix-path-case': { type: 'boolean' },
  'no-context': { type: 'boolean' },
  verify: { type: 'boolean' },
  'max-requests': { type: 'string' },
  'docs-root': { type: 'string' },
  verbose: { type: 'boolean' },
  cache: { type: 'string' },
  'max-length': { type: 'string' },
  concurrency: { type: 'string' },
  batch: { type: 'boolean' },
  'batch-status': { type: 'boolean' },
  'batch-cancel': { type: 'boolean' },
  wait: { type: 'boolean' },
  'poll-interval': { type: 'string' },
  ...ENDPOINT_OPTIONS,
  help: { type: 'boolean', short: 'h' },
} as const;

type AltValues = ReturnType<typeof parseArgs<{ options: typeof ALT_OPTIONS; allowPositionals: true }>>['values'];

const POINTER = ' Run describe-image alt-text --help for usage.';

async function altText(argv: readonly string[], io: CliIo, { say, fail, output }: Say): Promise<number> {
  let parsed;
  try {
    parsed = parseCliArgs('describe-image alt-text', argv, ALT_OPTIONS, true, (v) => v['json'] === true || v['format'] === 'json');
  } catch (e) {
    output.json = e instanceof UsageError && e.json;
    return fail(2, (e as Error).message, 'usage');
  }
  const v = parsed.values;
  output.json = v.json === true || v.format === 'json';
  const [mode, ...patterns] = parsed.positionals;
  if (v.help) {
    io.stdout(`${ALT_USAGE}\n`);
    return 0;
  }
  if (!mode) return fail(2, `no mode given: use check, fix or sites.${POINTER}`, 'usage');
  if (mode === 'sites') return patterns.length > 1 ? fail(2, `sites takes one folder (got ${patterns.length}).${POINTER}`, 'usage') : runSites(patterns[0], io, output.json, fail);
  if (mode !== 'check' && mode !== 'fix') return fail(2, `unknown mode "${mode}": use check, fix or sites.${POINTER}`, 'usage');
  if (patterns.length === 0) return fail(2, 'no files given: name files, folders or globs, e.g. docs or "docs/**/*.md".', 'usage');
  const options = runOptions(v, path.resolve(io.cwd), mode);
  if (typeof options === 'string') return fail(2, options, 'bad-input');
  const { root, docsRoot, rules, maxLength, format } = options;

  const dirCache = new DirectoryCache();
  const sites = await detectSites(docsRoot);
  if (v.verbose) for (const line of siteLines(sites, root)) say(line);
  let checked;
  const waiting = new WaitingLine(io, { json: output.json });
  try {
    waiting.show('checking the docs…');
    checked = await checkDocs(root, patterns, { rules, maxLength, docsRoot, sites, dirCache });
  } catch (e) {
    if (isDescribeError(e) && e.isInputError) return fail(2, e.message, e.code);
    throw e;
  } finally {
    waiting.stop();
  }
  const { errors } = checked.report;
  for (const w of checked.warnings) say(`warning: ${w}`);

  if (mode === 'check') {
    let report = checked.report;
    if (v.verify) {
      const verified = await verifyRun(checked.docs, { ...options, sites, dirCache, context: !v['no-context'], cache: v.cache, values: v, io, say, fail, output }, v, errors.length > 0);
      if (typeof verified === 'number') return verified;
      if (verified === 'pending') say('alt-mismatch is not in this report yet: the verify batch is still to be collected (run the same command again).');
      else {
        for (const n of verified.summary.notVerified) say(`not verified: ${n}`);
        report = withVerified(report, checked.docs, verified);
      }
    }
    io.stdout(formatReport(report, format, typeof __VERSION__ === 'string' ? __VERSION__ : 'dev'));
    if (format === 'text') say(checkSummary(report));
    // alt-duplicate is reported without failing the run (see RULES); every other finding fails it.
    return report.findings.some((f) => failsCheck(f.rule)) || errors.length > 0 ? 1 : 0;
  }
  for (const e of errors) say(`skipped ${e.file}:${e.line}:${e.column}: ${e.message}`);
  const fixOptions = { ...options, sites, dirCache, dryRun: !!v['dry-run'], rewriteUninformative: !!v['rewrite-uninformative'], fixPathCase: !!v['fix-path-case'], context: !v['no-context'], cache: v.cache, values: v, io, say, fail, output, hadErrors: errors.length > 0 };
  const batch = batchFlags(v, io.env);
  if (batch) return batchFix(checked.docs, fixOptions, batch);
  return fixDocs(checked.docs, fixOptions);
}

/** check --verify, interactive or (--batch) through the Batch API. */
function verifyRun(docs: readonly DocFile[], o: VerifyOptions, v: AltValues, hadErrors: boolean): Promise<Verified | 'pending' | number> {
  const batch = batchFlags(v, o.io.env);
  return batch ? verifyBatch(docs, { ...o, dryRun: false, rewriteUninformative: false, fixPathCase: false, hadErrors }, batch) : verifyDocs(docs, o);
}

/** The options of a run, checked (a flag out of range, a docs root outside the folder); else the message for it. */
function runOptions(v: AltValues, root: string, mode: string): { root: string; docsRoot: string; rules: Set<RuleId>; maxLength: number; concurrency: number; maxRequests: number | undefined; format: ReportFormat } | string {
  const format = (v.json ? 'json' : (v.format ?? 'text')) as ReportFormat;
  if (!REPORT_FORMATS.includes(format)) return `--format must be one of ${REPORT_FORMATS.join(', ')} (got ${v.format}).`;
  const rules = new Set<RuleId>(RULE_IDS);
  for (const r of (v.disable ?? []).flatMap((d) => d.split(',')).map((d) => d.trim()).filter(Boolean)) {
    if (!isRuleId(r)) return `--disable: unknown rule "${r}" (rules: ${RULE_IDS.join(', ')}).`;
    rules.delete(r);
  }
  const maxLength = v['max-length'] !== undefined ? Number(v['max-length']) : DEFAULT_ALT_MAX_LENGTH;
  if (!Number.isInteger(maxLength) || maxLength < 20 || maxLength > 1000) return `--max-length must be a whole number from 20 to 1000 (got ${v['max-length']}).`;
  const concurrency = v.concurrency !== undefined ? Number(v.concurrency) : DEFAULT_ALT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) return `--concurrency must be a whole number from 1 to 64 (got ${v.concurrency}).`;
  const maxRequests = v['max-requests'] !== undefined ? Number(v['max-requests']) : undefined;
  if (maxRequests !== undefined && (!Number.isInteger(maxRequests) || maxRequests < 0)) return `--max-requests must be a whole number, 0 or more (got ${v['max-requests']}).`;
  const verifyProblem = flagProblem(v, mode, rules);
  if (verifyProblem) return verifyProblem;
  const docsRoot = path.resolve(root, v['docs-root'] ?? '.');
  // Site-absolute links (/img/a.png) are read from the docs root: it may not be a way out of the current folder.
  if (!isInside(root, docsRoot)) return `--docs-root ${v['docs-root']} leads outside the current folder (${root}): links are read only inside it.`;
  return { root, docsRoot, rules, maxLength, concurrency, maxRequests, format };
}

/** --verify belongs to check, --max-requests to what sends (fix, check --verify); --verify reports alt-mismatch: it can't be disabled then. */
function flagProblem(v: AltValues, mode: string, rules: ReadonlySet<RuleId>): string | undefined {
  if (v.verify && mode !== 'check') return '--verify is for check (it reports alt text that does not fit its image; fix fills in missing alt text).';
  if (v['max-requests'] !== undefined && mode === 'check' && !v.verify) return '--max-requests limits what is sent: give it with fix, or with check --verify.';
  if (v.verify && !rules.has('alt-mismatch')) return '--verify reports alt-mismatch, which --disable turns off: leave one of them out.';
  return batchProblem(v, mode);
}

/** --batch and its companions belong to fix, and not with --dry-run; --wait and --poll-interval go with --batch. */
function batchProblem(v: AltValues, mode: string): string | undefined {
  const batch = v.batch || v['batch-status'] || v['batch-cancel'];
  if (batch && mode !== 'fix' && !(mode === 'check' && v.verify)) return '--batch, --batch-status and --batch-cancel are for fix and check --verify (they submit, follow and use a batch job of alt-text requests).';
  if (batch && v['dry-run']) return '--dry-run sends nothing: it can\'t go with --batch (use fix --dry-run to see what would be filled).';
  if ((v.wait || v['poll-interval'] !== undefined) && !v.batch) return '--wait and --poll-interval go with --batch.';
  if (v['batch-status'] && v['batch-cancel']) return '--batch-status and --batch-cancel: give one of them.';
  const poll = v['poll-interval'];
  if (poll !== undefined && !(Number.isInteger(Number(poll)) && Number(poll) >= 1 && Number(poll) <= 3600)) return `--poll-interval must be a whole number of seconds from 1 to 3600 (got ${poll}).`;
  return undefined;
}

/** The batch flags of a fix run, or undefined when it is not one. */
function batchFlags(v: AltValues, env: CliIo['env']): BatchFlags | undefined {
  if (!v.batch && !v['batch-status'] && !v['batch-cancel']) return undefined;
  // Tests split input files at small sizes; never documented as a user setting.
  const limit = (name: string) => (env[name] !== undefined && Number(env[name]) > 0 ? Number(env[name]) : undefined);
  const maxRequests = limit('DESCRIBE_IMAGE_TEST_BATCH_MAX_REQUESTS');
  const maxBytes = limit('DESCRIBE_IMAGE_TEST_BATCH_MAX_BYTES');
  return {
    status: !!v['batch-status'],
    cancel: !!v['batch-cancel'],
    wait: !!v.wait,
    pollSeconds: v['poll-interval'] !== undefined ? Number(v['poll-interval']) : DEFAULT_POLL_SECONDS,
    limits: { ...(maxRequests ? { maxRequests } : {}), ...(maxBytes ? { maxBytes } : {}) },
  };
}
