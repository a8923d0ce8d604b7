/**
 * Filling in alt text, for every front (`describe-image alt-text fix`, the MCP tool altTextFix): which images to
 * describe and which links to correct (plan), then the edits per file — escaped for the file's syntax, read back with
 * the same parser, and written only if the file did not change meanwhile, or returned as a unified diff (apply). How
 * the alt text is generated between the two is the front's business (its settings, key, cache and progress).
 */
import * as path from 'node:path';
import { FILE_HEADERS_ONLY, formatPatch, structuredPatch } from 'diff';
import type { AltJob, AltRunStats } from './generate';
import { altContextOf, reuseText } from './altContext';
import { isLocalLink, linkRoots, type DocFile } from './check';
import { altEdit, applyEdits, srcEdit, verifyEdits, type IntendedChange, type TextEdit } from './edits';
import { DirectoryCache, resolveImageLink } from './links';
import { judgeAlt } from './judge';
import type { Site } from '../sites';
import { writeFileSafely } from './write';

export interface FixPlanOptions {
  /** Where relative links may lead. */
  readonly root: string;
  /** Where site-absolute links start (on no detected site). */
  readonly docsRoot: string;
  /** The detected docs sites (their static folders): see core/sites. */
  readonly sites?: readonly Site[] | undefined;
  readonly dirCache?: DirectoryCache | undefined;
  /** Also replace alt text that says nothing (a file name, "image"). */
  readonly rewriteUninformative: boolean;
  /** Also rewrite links whose letter case differs from the file's real name. */
  readonly fixPathCase: boolean;
  /** Send each image's context (heading, introducing sentence, caption, title, text around it); uses of one image in different contexts are then asked once each. */
  readonly context: boolean;
}

/** What the fix will do to one image. */
export interface FixTarget {
  readonly doc: DocFile;
  /** The image's index among the document's images. */
  readonly index: number;
  /** The alt-text job for it (when it wants alt text). */
  readonly jobId: string | undefined;
  /** The link with the file's real letter case (when that is fixed). */
  readonly newSrc: string | undefined;
}

export interface FixPlan {
  /** Documents looked at. */
  readonly docs: number;
  readonly targets: readonly FixTarget[];
  /** The images to generate alt text for (ids are `file#index`). */
  readonly jobs: readonly AltJob[];
  /** Images left alone, each as `file:line:column: why`. */
  readonly skipped: readonly string[];
}

/** Which images want alt text (or a corrected link), resolved and checked; nothing is read but directory listings. */
export async function planFix(docs: readonly DocFile[], options: FixPlanOptions): Promise<FixPlan> {
  const dirCache = options.dirCache ?? new DirectoryCache();
  const skipped: string[] = [];
  const targets: FixTarget[] = [];
  const jobs: AltJob[] = [];
  for (const doc of docs) {
    for (const [index, image] of doc.images.entries()) {
      const where = `${doc.file}:${image.line}:${image.column}`;
      const judged = options.rewriteUninformative && image.altState === 'present' && !image.altUnknown ? judgeAlt(image) : undefined;
      if (judged?.kind === 'decorative') {
        // The author says it is decorative: what it wants is alt="" (by hand), not a description.
        skipped.push(`${where}: ${judged.reason}; not described`);
        continue;
      }
      const wantsAlt = !image.altUnknown && ((image.altState === 'missing' && !image.decorative) || !!judged);
      const local = isLocalLink(image);
      if (!wantsAlt && !(options.fixPathCase && local)) continue;
      let source: string | undefined;
      let newSrc: string | undefined;
      if (image.srcDynamic || !image.src) {
        if (wantsAlt) skipped.push(`${where}: ${image.srcDynamic ? "the image's source is an expression" : 'the image has no source'}; not described`);
        continue;
      }
      const link = await resolveImageLink(image.src, linkRoots(doc, options), dirCache);
      if (link.kind === 'url') source = link.url;
      else if (link.kind === 'file') {
        source = link.path;
        if (link.caseMismatch && options.fixPathCase) {
          newSrc = link.caseFixedSrc;
          if (!newSrc) skipped.push(`${where}: ${image.src} differs from the file in letter case, but the link can't be rewritten safely; fix it by hand`);
        }
      } else {
        if (wantsAlt) skipped.push(`${where}: ${link.kind === 'missing' ? `no such file: ${image.src}` : link.reason}; not sent`);
        continue;
      }
      if (!wantsAlt && !newSrc) continue;
      const jobId = wantsAlt ? `${doc.file}#${index}` : undefined;
      if (jobId) jobs.push({ id: jobId, source, context: options.context ? altContextOf(image) : undefined });
      targets.push({ doc, index, jobId, newSrc });
    }
  }
  return { docs: docs.length, targets, jobs, skipped };
}

/** The sentence for a plan with nothing to do. */
export function nothingToFixMessage(plan: FixPlan): string {
  return plan.skipped.length ? `nothing to fill in ${plan.docs} file(s); ${plan.skipped.length} image(s) skipped.` : `every image in ${plan.docs} file(s) has alt text.`;
}

/** The alt text generated for a job, or why there is none. */
export type FixAltResult = { readonly ok: true; readonly alt: string } | { readonly ok: false; readonly reason: string };

export interface FixApplyOptions {
  /** Files are written only inside it (symbolic links that lead out are refused). */
  readonly root: string;
  /** Compute the diff; write nothing. */
  readonly dryRun: boolean;
}

export interface FixedFile {
  /** Relative to the root, forward slashes. */
  readonly file: string;
  readonly absPath: string;
  /** Dry run: the unified diff of the change. */
  readonly diff: string | undefined;
  readonly filled: number;
  readonly relinked: number;
}

export interface FixApplied {
  /** Files changed (dry run: that would change), in order. */
  readonly files: readonly FixedFile[];
  readonly filled: number;
  readonly relinked: number;
  /** The plan's skipped images, then those whose edits were not made, each as `where: why`. */
  readonly skipped: readonly string[];
}

/**
 * The edits per file, each checked by reading the result back with the same parser, then written atomically if the
 * file is unchanged since it was read (or, in a dry run, returned as a diff). A file that can't be written (no
 * permission, disk full) is skipped with the reason, the file left as it was; the others are still written.
 */
export async function applyFix(plan: FixPlan, results: ReadonlyMap<string, FixAltResult>, options: FixApplyOptions): Promise<FixApplied> {
  const skipped = [...plan.skipped];
  const files: FixedFile[] = [];
  for (const [doc, targets] of targetsByDoc(plan.targets)) {
    const edits = docEdits(doc, targets, results, skipped);
    if (!edits.edits.length) continue;
    const file = await applyDocEdits(doc, edits, options, skipped);
    if (file) files.push(file);
  }
  const total = (count: (f: FixedFile) => number) => files.reduce((n, f) => n + count(f), 0);
  return { files, filled: total((f) => f.filled), relinked: total((f) => f.relinked), skipped };
}

/** The plan's targets, per document, in order. */
function targetsByDoc(targets: readonly FixTarget[]): Map<DocFile, FixTarget[]> {
  const byDoc = new Map<DocFile, FixTarget[]>();
  for (const t of targets) {
    const list = byDoc.get(t.doc);
    if (list) list.push(t);
    else byDoc.set(t.doc, [t]);
  }
  return byDoc;
}

/** One document's edits: the alt text generated for it and its links' real letter case. */
interface DocEdits {
  readonly edits: TextEdit[];
  /** What each edit intends, for reading the result back. */
  readonly changes: IntendedChange[];
  filled: number;
  relinked: number;
}

/** The edits for one document's targets; a target without an answer, or with a link that can't be rewritten, is skipped. */
function docEdits(doc: DocFile, targets: readonly FixTarget[], results: ReadonlyMap<string, FixAltResult>, skipped: string[]): DocEdits {
  const out: DocEdits = { edits: [], changes: [], filled: 0, relinked: 0 };
  for (const t of targets) {
    const image = doc.images[t.index];
    if (!image) continue;
    const where = `${doc.file}:${image.line}:${image.column}`;
    const change: { index: number; alt?: string; src?: string } = { index: t.index };
    if (t.jobId) {
      const outcome = results.get(t.jobId);
      if (outcome?.ok) {
        out.edits.push(altEdit(image, outcome.alt));
        change.alt = outcome.alt;
        out.filled++;
      } else skipped.push(`${where}: ${image.src}: ${outcome?.reason ?? 'no answer'}`);
    }
    if (t.newSrc) {
      const e = srcEdit(image, doc.text, t.newSrc);
      if (e) {
        out.edits.push(e);
        change.src = t.newSrc; // srcEdit only rewrites links written exactly as the parser reads them
        out.relinked++;
      } else skipped.push(`${where}: ${image.src}: the link can't be rewritten safely; fix its letter case by hand`);
    }
    if (change.alt !== undefined || change.src !== undefined) out.changes.push(change);
  }
  return out;
}

/** Read one document's edits back, then write it (or, in a dry run, diff it); undefined when it was left alone. */
async function applyDocEdits(doc: DocFile, { edits, changes, filled, relinked }: DocEdits, options: FixApplyOptions, skipped: string[]): Promise<FixedFile | undefined> {
  const updated = applyEdits(doc.text, edits);
  const problem = verifyEdits(doc.images, updated, doc.language, changes, doc.find);
  if (problem) {
    skipped.push(`${doc.file}: not changed, because ${problem}`);
    return undefined;
  }
  let diff: string | undefined;
  if (options.dryRun) diff = unifiedDiff(doc.file, doc.text, updated);
  else {
    const written = await writeFileSafely(doc.absPath, updated, doc.hash, options.root).catch((e: unknown) => ({ ok: false as const, reason: notWritten(e) }));
    if (!written.ok) {
      skipped.push(`${doc.file}: ${written.reason}`);
      return undefined;
    }
  }
  return { file: doc.file, absPath: doc.absPath, diff, filled, relinked };
}

/** Why a file could not be written (permissions, a full disk), by its error code: the others are still written. */
function notWritten(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return `it can't be written (${code ?? (e instanceof Error ? e.message : String(e))}); it is unchanged`;
}

/** The closing sentence of a fix: what was (or would be) filled and relinked, and what it cost. */
export function fixSummary(plan: FixPlan, applied: FixApplied, options: { readonly dryRun: boolean; readonly fixPathCase: boolean; readonly stats?: AltRunStats | undefined; readonly root?: string | undefined }): string {
  const { dryRun, fixPathCase, stats } = options;
  const cost = stats ? `; ${stats.sent} request(s) sent, ${stats.cached} from the cache, ${stats.deduplicated} duplicate(s)` : '';
  const summary = `${dryRun ? 'would fill' : 'filled'} ${applied.filled} of ${plan.jobs.length} image(s)${fixPathCase ? ` and ${dryRun ? 'would fix' : 'fixed'} the letter case of ${applied.relinked} link(s)` : ''} in ${applied.files.length} file(s)${cost}.`;
  // Images used more than once: which shared one alt text and which got one per use (different contexts).
  const reuse = stats && reuseText(stats.reuse, (source) => imageName(source, options.root));
  return reuse ? `${summary}\n${reuse}` : summary;
}

/** An image as the summary names it: relative to the root (forward slashes), else (a URL, outside) as it is. */
function imageName(source: string, root: string | undefined): string {
  const rel = root && !/^https?:\/\//i.test(source) ? path.relative(root, source).split(path.sep).join('/') : source;
  return rel && !rel.startsWith('..') ? rel : source;
}

/** A unified diff of two texts (jsdiff), as `git apply` and `patch` read it; '' when they are the same. */
export function unifiedDiff(file: string, before: string, after: string, context = 3): string {
  const patch = structuredPatch(`a/${file}`, `b/${file}`, before, after, undefined, undefined, { context });
  return patch.hunks.length ? formatPatch(patch, FILE_HEADERS_ONLY) : '';
}
