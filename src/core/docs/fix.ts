/**
 * Filling in alt text, for every front (`describe-image alt-text fix`, the MCP tool altTextFix): which images to
 * describe and which links to correct (plan), then the edits per file — escaped for the file's syntax, read back with
 * the same parser, and written only if the file did not change meanwhile, or returned as a unified diff (apply). How
 * the alt text is generated between the two is the front's business (its settings, key, cache and progress).
 */
import * as path from 'node:path';
import { FILE_HEADERS_ONLY, formatPatch, structuredPatch } from 'diff';
import { previewCounts, type AltRunPreview, type AltRunStats } from './generate';
import type { AltJob } from './altRequest';
import { altContextOf, reuseText } from './altContext';
import { isLocalLink, linkRoots, type DocFile } from './check';
import { altEdit, applyEdits, srcEdit, verifyEdits, type IntendedChange, type TextEdit } from './edits';
import { DirectoryCache, resolveImageLink, type LinkScope } from './links';
import { judgeAlt } from './judge';
import { writeFileSafely } from './write';
import { decorativeEdits, longDescriptionEdits } from './longDescription';
import { documentPurpose, type AltPurpose } from './purpose';

export interface FixPlanOptions extends LinkScope {
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
  /** Its alt text says it is decorative, and its syntax can say so: it gets alt="" (or Learn's type="icon"). */
  readonly decorative?: boolean | undefined;
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
        // The author says it is decorative: what it wants is alt="" (in its syntax's own way), not a description.
        const marked = decorativeEdits(image);
        if (marked.ok) targets.push({ doc, index, jobId: undefined, newSrc: undefined, decorative: true });
        else skipped.push(`${where}: ${judged.reason}; ${marked.reason}; not described`);
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
      if (jobId) jobs.push({ id: jobId, source, context: options.context ? altContextOf(image) : undefined, purpose: documentPurpose(image) });
      targets.push({ doc, index, jobId, newSrc });
    }
  }
  return { docs: docs.length, targets, jobs, skipped };
}

/** The sentence said before alt text is generated: images, the requests that will be sent (after dedupe and the cache). */
export function fixCostLine(preview: AltRunPreview, where: string): string {
  return `generating alt text for ${preview.images} image(s): ${[`will send ${preview.requests} request(s) to ${where}`, ...previewCounts(preview)].join(', ')}.`;
}

/** The sentence for a plan with nothing to do. */
export function nothingToFixMessage(plan: FixPlan): string {
  return plan.skipped.length ? `nothing to fill in ${plan.docs} file(s); ${plan.skipped.length} image(s) skipped.` : `every image in ${plan.docs} file(s) has alt text.`;
}

/** The alt text generated for a job, or why there is none. */
export type FixAltResult =
  | { readonly ok: true; readonly alt: string; readonly purpose?: AltPurpose | undefined; readonly longDescription?: string | undefined }
  | { readonly ok: false; readonly reason: string };

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
  /** Long descriptions written, images marked decorative. */
  readonly described: number;
  readonly decorative: number;
}

/** The purpose each image was filled for (purpose.ts), and whether its long description was written. */
export interface FixedImage {
  /** `file:line:column`. */
  readonly where: string;
  readonly src: string;
  readonly purpose: AltPurpose;
  /** Written; or why not (a long description the syntax has no place for). */
  readonly longDescription: 'written' | string | undefined;
}

export interface FixApplied {
  /** Files changed (dry run: that would change), in order. */
  readonly files: readonly FixedFile[];
  readonly filled: number;
  readonly relinked: number;
  readonly described: number;
  readonly decorative: number;
  /** Per image filled (or marked decorative): its purpose. */
  readonly images: readonly FixedImage[];
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
  const images: FixedImage[] = [];
  for (const [doc, targets] of targetsByDoc(plan.targets)) {
    let edits = docEdits(doc, targets, results, skipped, true);
    if (!edits.edits.length) continue;
    // Long descriptions and decorative marks that don't read back as intended are left out; the alt text still goes in.
    if (edits.extras && verifyDocEdits(doc, edits)) edits = docEdits(doc, targets, results, [], false);
    const file = await applyDocEdits(doc, edits, options, skipped);
    if (file) {
      files.push(file);
      images.push(...edits.images);
    }
  }
  const total = (count: (f: FixedFile) => number) => files.reduce((n, f) => n + count(f), 0);
  return { files, filled: total((f) => f.filled), relinked: total((f) => f.relinked), described: total((f) => f.described), decorative: total((f) => f.decorative), images, skipped };
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
  described: number;
  decorative: number;
  /** Edits beyond alt text and links were made (long descriptions, decorative marks). */
  extras: boolean;
  readonly images: FixedImage[];
}

/** The edits for one document's targets; a target without an answer, or with a link that can't be rewritten, is skipped. */
function docEdits(doc: DocFile, targets: readonly FixTarget[], results: ReadonlyMap<string, FixAltResult>, skipped: string[], extras: boolean): DocEdits {
  const out: DocEdits = { edits: [], changes: [], filled: 0, relinked: 0, described: 0, decorative: 0, extras: false, images: [] };
  const ids = new Set<string>();
  for (const t of targets) {
    const image = doc.images[t.index];
    if (!image) continue;
    const where = `${doc.file}:${image.line}:${image.column}`;
    let change: IntendedChange = { index: t.index };
    if (t.jobId) {
      const outcome = results.get(t.jobId);
      if (outcome?.ok) {
        out.edits.push(altEdit(image, outcome.alt));
        change = { ...change, alt: outcome.alt };
        out.filled++;
        let longDescription: string | undefined;
        if (outcome.longDescription) {
          const d = extras ? longDescriptionEdits(doc, image, outcome.longDescription, ids) : { ok: false as const, reason: 'it would not read back as intended' };
          if (d.ok) {
            out.edits.push(...d.edits);
            change = { ...change, ...d.change };
            out.described++;
            out.extras = true;
          }
          longDescription = d.ok ? 'written' : d.reason;
        }
        out.images.push({ where, src: image.src, purpose: outcome.purpose ?? 'informative', longDescription });
      } else skipped.push(`${where}: ${image.src}: ${outcome?.reason ?? 'no answer'}`);
    }
    if (t.decorative) {
      const d = extras ? decorativeEdits(image) : { ok: false as const, reason: 'it would not read back as decorative' };
      if (d.ok) {
        out.edits.push(...d.edits);
        change = { ...change, ...d.change };
        out.decorative++;
        out.extras = true;
        out.images.push({ where, src: image.src, purpose: 'decorative', longDescription: undefined });
      } else skipped.push(`${where}: ${image.src}: not marked decorative: ${d.reason}`);
    }
    if (t.newSrc) {
      const e = srcEdit(image, doc.text, t.newSrc);
      if (e) {
        out.edits.push(e);
        change = { ...change, src: t.newSrc }; // srcEdit only rewrites links written exactly as the parser reads them
        out.relinked++;
      } else skipped.push(`${where}: ${image.src}: the link can't be rewritten safely; fix its letter case by hand`);
    }
    if (Object.keys(change).length > 1) out.changes.push(change);
  }
  return out;
}

/** Read one document's edits back, then write it (or, in a dry run, diff it); undefined when it was left alone. */
/** Why one document's edits would not read back as intended, or undefined. */
function verifyDocEdits(doc: DocFile, { edits, changes }: DocEdits): string | undefined {
  return verifyEdits(doc.images, applyEdits(doc.text, edits), doc.language, changes, doc.find);
}

async function applyDocEdits(doc: DocFile, { edits, changes, filled, relinked, described, decorative }: DocEdits, options: FixApplyOptions, skipped: string[]): Promise<FixedFile | undefined> {
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
  return { file: doc.file, absPath: doc.absPath, diff, filled, relinked, described, decorative };
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
  const summary = `${dryRun ? 'would fill' : 'filled'} ${applied.filled} of ${plan.jobs.length} image(s)${fixPathCase ? ` and ${dryRun ? 'would fix' : 'fixed'} the letter case of ${applied.relinked} link(s)` : ''} in ${applied.files.length} file(s)${cost}${purposeCounts(applied, dryRun)}.`;
  // Images used more than once: which shared one alt text and which got one per use (different contexts).
  const reuse = stats && reuseText(stats.reuse, (source) => imageName(source, options.root));
  return reuse ? `${summary}\n${reuse}` : summary;
}

/** An image as the summary names it: relative to the root (forward slashes), else (a URL, outside) as it is. */
function imageName(source: string, root: string | undefined): string {
  const rel = root && !/^https?:\/\//i.test(source) ? path.relative(root, source).split(path.sep).join('/') : source;
  return rel && !rel.startsWith('..') ? rel : source;
}

/** `; purposes: 2 informative, 1 complex, 1 long description(s) written` — only when an image was not informative. */
function purposeCounts(applied: FixApplied, dryRun: boolean): string {
  if (applied.images.every((i) => i.purpose === 'informative' && i.longDescription === undefined)) return '';
  const counts = new Map<AltPurpose, number>();
  for (const i of applied.images) if (i.purpose !== 'decorative') counts.set(i.purpose, (counts.get(i.purpose) ?? 0) + 1);
  const parts = [...counts].map(([p, n]) => `${n} ${p}`);
  if (applied.described) parts.push(`${applied.described} long description(s) ${dryRun ? 'to write' : 'written'}`);
  if (applied.decorative) parts.push(`${applied.decorative} ${dryRun ? 'to mark' : 'marked'} decorative`);
  return `; purposes: ${parts.join(', ')}`;
}

/** One line per image filled for another purpose than informative (the default): its purpose, and its long description. */
export function purposeLines(applied: FixApplied): string[] {
  return applied.images.filter((i) => i.purpose !== 'informative' || i.longDescription !== undefined).map((i) => `${i.where}: ${i.purpose}${i.longDescription === undefined ? '' : i.longDescription === 'written' ? ', long description written' : `, long description not written: ${i.longDescription}`}`);
}

/** A unified diff of two texts (jsdiff), as `git apply` and `patch` read it; '' when they are the same. */
export function unifiedDiff(file: string, before: string, after: string, context = 3): string {
  const patch = structuredPatch(`a/${file}`, `b/${file}`, before, after, undefined, undefined, { context });
  return patch.hunks.length ? formatPatch(patch, FILE_HEADERS_ONLY) : '';
}
