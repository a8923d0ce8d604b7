/**
 * Checking existing alt text against its image (`alt-text check --verify`, the extension's Verify Alt Text command,
 * the MCP tool altTextCheck with `verify`): each image with alt text whose source can be read is shown to the model
 * with its alt text and its context, and the model answers whether the alt text describes it, with a replacement when
 * it does not. The requests go through the alt-text run (generate.ts: dedupe, cache, throttle, fatal errors, cancel)
 * with an ImageAsk of their own: the same image with the same alt text and context is one request, and the answers are
 * cached apart from generated alt text. A mismatch is an `alt-mismatch` finding with the suggestion and the edit that
 * writes it (escaped as a fix would write it, and read back first).
 */
import { isObject, str } from '../base';
import { LineIndex, type FoundImage } from '../finders';
import { altContextOf, contextFields, CONTEXT_HEADER } from './altContext';
import { generateAltTexts, previewAltRun, previewCounts, runError, type AltRunPreview } from './generate';
import type { AltJob, AltOutcome, AltRunOptions, ImageAsk } from './altRequest';
import type { Report, VerifySummary } from './report';
import { isLocalLink, linkRoots, type DocFile } from './check';
import { documentPurpose } from './purpose';
import { altEdit, applyEdits, verifyEdits } from './edits';
import { DirectoryCache, resolveImageLink, type LinkScope } from './links';
import { judgeAlt } from './judge';
import { cleanAltText, type Finding, type FindingFix } from './rules';

/** The model's judgement of one alt text: it fits, or it does not (with the alt text it suggests, when usable). */
export type Verdict = { readonly verdict: 'match' } | { readonly verdict: 'mismatch'; readonly suggestion: string | undefined };

export interface VerifyJob extends AltJob {
  /** The alt text to check, as its parser reads it. */
  readonly alt: string;
}

/** One image whose alt text is checked. */
export interface VerifyTarget {
  readonly doc: DocFile;
  readonly index: number;
  readonly jobId: string;
}

export interface VerifyPlan {
  readonly targets: readonly VerifyTarget[];
  readonly jobs: readonly VerifyJob[];
  /** Images with alt text that are not sent, each as `file:line:column: why`. */
  readonly skipped: readonly string[];
}

export interface VerifyPlanOptions extends LinkScope {
  /** Send the image's context with it (altContext.ts: heading, introducing sentence, caption, title, text around it). */
  readonly context: boolean;
}

/**
 * The longest alt text sent to be verified: longer alt is already an `alt-too-long` finding, and sent whole it would
 * make one request as large as a document.
 */
export const MAX_VERIFY_ALT = 1000;

/**
 * Which images to verify: those with alt text (known statically, not marked decorative, not already reported as
 * saying nothing: that finding stands without asking) whose source resolves to a local file or an http(s) URL.
 */
export async function planVerify(docs: readonly DocFile[], options: VerifyPlanOptions): Promise<VerifyPlan> {
  const dirCache = options.dirCache ?? new DirectoryCache();
  const targets: VerifyTarget[] = [];
  const jobs: VerifyJob[] = [];
  const skipped: string[] = [];
  for (const doc of docs) {
    for (const [index, image] of doc.images.entries()) {
      if (image.altState !== 'present' || image.altUnknown || image.decorative || judgeAlt(image)) continue;
      const where = `${doc.file}:${image.line}:${image.column}`;
      if (image.alt.length > MAX_VERIFY_ALT) {
        skipped.push(`${where}: the alt text is over ${MAX_VERIFY_ALT} characters, too long to verify`);
        continue;
      }
      const source = await sourceOf(doc, image, options, dirCache);
      if (typeof source !== 'string') {
        skipped.push(`${where}: ${source.why}`);
        continue;
      }
      const jobId = `${doc.file}#${index}`;
      jobs.push({ id: jobId, source, context: options.context ? altContextOf(image) : undefined, alt: image.alt, purpose: documentPurpose(image) });
      targets.push({ doc, index, jobId });
    }
  }
  return { targets, jobs, skipped };
}

/** The file or URL an image shows, or why it can't be read from here. */
async function sourceOf(doc: DocFile, image: FoundImage, options: VerifyPlanOptions, dirCache: DirectoryCache): Promise<string | { why: string }> {
  if (image.srcDynamic) return { why: "the image's source is an expression" };
  if (!image.src) return { why: 'the image has no source' };
  if (!isLocalLink(image) && !/^https?:\/\//i.test(image.src)) return { why: `${image.src.slice(0, 40)} is not a file or an http(s) URL` };
  const link = await resolveImageLink(image.src, linkRoots(doc, options), dirCache);
  if (link.kind === 'url') return link.url;
  if (link.kind === 'file') return link.path;
  return { why: link.kind === 'missing' ? `no such file: ${image.src}` : link.reason };
}

/** A string as a quoted value in the prompt (JSON quoting: nothing in it can end the quote). */
const quoted = (s: string) => JSON.stringify(s.replace(/\s+/g, ' ').trim());

/** The question for one image: does this alt text describe it, here? Answered in two lines the reader parses. */
export function verifyPrompt(job: Pick<VerifyJob, 'alt' | 'context' | 'purpose'>, maxLength: number): string {
  const lines = ['This image appears in technical documentation with this alt text:', quoted(job.alt), ''];
  const fields = contextFields(job.context);
  if (fields.length) lines.push(CONTEXT_HEADER, ...fields, '');
  // Judged by the purpose the document gives, as generation writes it (purpose.ts): not by a description of the picture.
  if (job.purpose === 'functional') lines.push('The image is inside a link or button: alt text that names the action or the destination is a match, even when it does not describe the picture; a suggestion names the action or the destination too.', '');
  if (job.purpose === 'complex') lines.push('The image has a long description next to it: a short alt text that says what the image is is a match.', '');
  lines.push(
    'Does the alt text describe what this image shows, in this context? Alt text that is shorter or less detailed than yours, but true, is a match. ' +
      'It is a mismatch when it describes a different image, names the wrong screen, element or action, or says something the image contradicts.',
    'Answer in exactly two lines:',
    'VERDICT: match or mismatch',
    `SUGGESTION: for a mismatch, better alt text of at most ${maxLength} characters (what the image shows and why it matters here); for a match, nothing`,
  );
  return lines.join('\n');
}

/** The verdict as the cache keeps it. */
export function encodeVerdict(v: Verdict): string {
  return JSON.stringify(v.verdict === 'match' ? { v: 'match' } : { v: 'mismatch', s: v.suggestion ?? null });
}

export function decodeVerdict(value: string): Verdict | undefined {
  try {
    const j: unknown = JSON.parse(value);
    if (!isObject(j)) return undefined;
    if (j['v'] === 'match') return { verdict: 'match' };
    if (j['v'] === 'mismatch') return { verdict: 'mismatch', suggestion: str(j['s']) || undefined };
  } catch {
    // not a verdict: a cache file edited by hand
  }
  return undefined;
}

/**
 * Read the model's answer tolerantly: `VERDICT: …` / `SUGGESTION: …` lines in any case, with Markdown emphasis or a
 * code fence around them, or a JSON object {verdict, suggestion}, or a bare first word (match / mismatch / yes / no).
 * Anything else is no verdict (never a guess).
 */
export function readVerdict(answer: string, maxLength: number): Verdict | undefined {
  const text = answer.replace(/```[a-z]*\n?/gi, '').replace(/[*_`]+/g, '');
  const json = /\{[\s\S]*\}/.exec(text);
  let word: string | undefined;
  let suggestion: string | undefined;
  if (json) {
    try {
      const j: unknown = JSON.parse(json[0]);
      if (isObject(j)) {
        const entry = (name: string) => Object.entries(j).find(([k]) => k.toLowerCase() === name)?.[1];
        const v = entry('verdict') ?? entry('match');
        word = typeof v === 'boolean' ? (v ? 'match' : 'mismatch') : str(v);
        suggestion = str(entry('suggestion'));
      }
    } catch {
      // not JSON after all: read the lines
    }
  }
  if (word === undefined) {
    const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
    word = lines.map((l) => /^verdict\s*[:=-]\s*(.*)$/i.exec(l)?.[1]).find((w) => w !== undefined) ?? lines[0];
    suggestion = lines.map((l) => /^suggest(?:ion|ed)?(?:\s+alt(?:\s+text)?)?\s*[:=-]\s*(.*)$/i.exec(l)?.[1]).find((s) => s !== undefined);
  }
  const verdict = verdictWord(word ?? '');
  if (verdict === undefined) return undefined;
  if (verdict === 'match') return { verdict };
  const cleaned = suggestion !== undefined ? cleanAltText(suggestion, maxLength) : '';
  return { verdict, suggestion: cleaned && !/^(none|n\/a|nothing|-)$/i.test(cleaned) ? cleaned : undefined };
}

/** match / mismatch from the verdict's first words (the negative forms first: "mismatch" holds "match"). */
function verdictWord(text: string): Verdict['verdict'] | undefined {
  const t = text.trim().toLowerCase();
  if (/^(mis-?match|no\b|does not|doesn't|not a match|incorrect|wrong|inaccurate|false\b)/.test(t)) return 'mismatch';
  if (/^(match(es)?\b|yes\b|correct\b|accurate\b|true\b|it matches)/.test(t)) return 'match';
  return undefined;
}

/** The ask for a plan's jobs: the prompt per job, and the verdict as the value of the run. */
export function verifyAsk(plan: VerifyPlan, maxLength: number): ImageAsk {
  const byId = new Map(plan.jobs.map((j) => [j.id, j]));
  return {
    kind: 'verify-alt-v1',
    animationAsk: 'These are frames of one animation: judge the alt text for the whole animation, as asked above.',
    prompt: (job) => verifyPrompt(byId.get(job.id) ?? { alt: '', context: job.context }, maxLength),
    read: (answer) => {
      const verdict = readVerdict(answer, maxLength);
      return verdict ? { ok: true, value: encodeVerdict(verdict) } : { ok: false, reason: "the model's answer is not a verdict (match or mismatch)" };
    },
  };
}

/** What verifying found: the mismatches as findings, and the images that could not be verified (`where: why`). */
export interface VerifyResult {
  readonly findings: Finding[];
  readonly notVerified: string[];
}

/**
 * The findings of a verify run: one `alt-mismatch` per alt text the model found wrong, with its suggestion and edit.
 * `hide` removes the front's secrets: a suggestion that holds one (a hostile server echoing the key) is not used.
 */
export function verifyFindings(plan: VerifyPlan, results: ReadonlyMap<string, AltOutcome>, hide: (text: string) => string = (t) => t): VerifyResult {
  const findings: Finding[] = [];
  const notVerified = [...plan.skipped];
  for (const t of plan.targets) {
    const image = t.doc.images[t.index];
    if (!image) continue;
    const where = `${t.doc.file}:${image.line}:${image.column}`;
    const outcome = results.get(t.jobId);
    const verdict = outcome?.ok ? decodeVerdict(outcome.alt) : undefined;
    if (!verdict) {
      notVerified.push(`${where}: ${outcome && !outcome.ok ? outcome.reason : 'no verdict'}`);
      continue;
    }
    // A "mismatch" that suggests the alt text it has contradicts itself: no finding.
    if (verdict.verdict === 'match' || (verdict.suggestion !== undefined && sameText(verdict.suggestion, image.alt))) continue;
    if (verdict.suggestion !== undefined && hide(verdict.suggestion) !== verdict.suggestion) {
      notVerified.push(`${where}: the answer held a secret (the key or a token); it was not used`);
      continue;
    }
    const suggestion = verdict.suggestion;
    const message = `alt text ${quoted(image.alt)} does not describe the image ${image.src}${suggestion ? `; suggested: ${quoted(suggestion)}` : ' (the model suggested no replacement)'}`;
    findings.push({ file: t.doc.file, line: image.line, column: image.column, rule: 'alt-mismatch', message, src: image.src, suggestion, fix: suggestion ? suggestionFix(t.doc, t.index, suggestion) : undefined });
  }
  return { findings, notVerified };
}

/** The same words, case and spacing aside. */
const sameText = (a: string, b: string) => a.replace(/\s+/g, ' ').trim().toLowerCase() === b.replace(/\s+/g, ' ').trim().toLowerCase();

/** The edit that writes `alt` into image `index`, as a fix would (escaped, read back); undefined when it does not hold. */
export function suggestionFix(doc: DocFile, index: number, alt: string): FindingFix | undefined {
  const image = doc.images[index];
  if (!image) return undefined;
  const edit = altEdit(image, alt);
  if (verifyEdits(doc.images, applyEdits(doc.text, [edit]), doc.language, [{ index, alt }], doc.find)) return undefined;
  const lines = new LineIndex(doc.text);
  const start = lines.position(edit.start);
  const end = lines.position(edit.end);
  return { startLine: start.line, startColumn: start.column, endLine: end.line, endColumn: end.column, newText: edit.newText };
}

export interface VerifyRunOptions {
  readonly plan: VerifyPlanOptions;
  /** The run's settings, client, cache, concurrency, signal (the ask is verify's). */
  readonly run: Omit<AltRunOptions, 'ask'>;
  readonly maxLength: number;
  /** Removes the front's secrets (see verifyFindings). */
  readonly hide?: ((text: string) => string) | undefined;
  /** Told what will be sent before anything is; false sends nothing (the user declined, a limit was passed). */
  readonly beforeSend?: ((preview: AltRunPreview) => boolean | Promise<boolean>) | undefined;
}

/**
 * Verify the alt text of parsed documents: plan, preview (beforeSend), run, findings. A fatal error or a cancel is
 * thrown (runError); undefined when beforeSend declined.
 */
export async function verifyAltTexts(docs: readonly DocFile[], options: VerifyRunOptions): Promise<{ findings: Finding[]; summary: VerifySummary } | undefined> {
  const plan = await planVerify(docs, options.plan);
  const run: AltRunOptions = { ...options.run, maxLength: options.maxLength, ask: verifyAsk(plan, options.maxLength) };
  if (options.beforeSend && !(await options.beforeSend(await previewAltRun(plan.jobs, run)))) return undefined;
  const result = await generateAltTexts(plan.jobs, run);
  const stop = runError(result);
  if (stop) throw stop;
  const { findings, notVerified } = verifyFindings(plan, result.results, options.hide);
  return { findings, summary: { images: plan.jobs.length, sent: result.stats.sent, cached: result.stats.cached, deduplicated: result.stats.deduplicated, notVerified } };
}

/** The sentence said before anything is sent: images, requests after dedupe and the cache. */
export function verifyCostLine(preview: AltRunPreview, where: string): string {
  return `verifying the alt text of ${preview.images} image(s): ${[`${preview.requests} request(s) to send to ${where}`, ...previewCounts(preview)].join(', ')}.`;
}

/** The check's report with the verify findings added (in the order of the files, then by position) and its summary. */
export function withVerified(report: Report, docs: readonly DocFile[], verified: { readonly findings: readonly Finding[]; readonly summary: VerifySummary }): Report {
  const order = new Map(docs.map((d, i) => [d.file, i]));
  const findings = [...report.findings, ...verified.findings].sort((a, b) => (order.get(a.file) ?? 0) - (order.get(b.file) ?? 0) || a.line - b.line || a.column - b.column);
  return { ...report, findings, verify: verified.summary };
}
