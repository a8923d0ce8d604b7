/**
 * Checking documentation files: read, find images with the real parsers, apply the alt-text rules and the path rules
 * (links that differ from their file in letter case, files that do not exist). Remote URLs are never fetched, and a
 * Learn link to another docset (`elsewhere`) is not a finding: it can't be checked here, and is not known missing. Used by
 * `alt-text check|fix` and by the extension's diagnostics and workspace command.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { DescribeError, DocParseError, docLanguageOfPath, type DocLanguage, type RuleId } from '../base';
import { listDocFiles } from './files';
import { findImages } from '../finders';
import { decodeDocText, NotUtf8Error, type DecodeOptions } from './encoding';
import { DocTooLargeError, type FindOptions, type FoundImage } from '../finders';
import { DirectoryCache, resolveImageLink, type LinkRoots, type LinkScope, type ResolvedLink } from './links';
import { type Finding } from './rules';
import { docAltFindings } from './docRules';
import type { Report } from './report';
import { contentHash } from './write';
import { siteServing } from '../sites';
import { pageDialect, PageSetups, type PageSetup } from './pages';

export interface DocFile {
  /** Relative to the run's root, forward slashes. */
  readonly file: string;
  readonly absPath: string;
  /** The language it is read in (a `.md` page of a site that compiles Markdown as MDX is `mdx`: see pages.ts). */
  readonly language: DocLanguage;
  readonly text: string;
  /** Hash of the bytes read, for the write-if-unchanged check. */
  readonly hash: string;
  readonly images: readonly FoundImage[];
  /** How its images were found (image components, mdx-code-block): an edit is read back the same way. */
  readonly find: FindOptions;
  readonly parseError: DocParseError | undefined;
}

/**
 * The largest documentation file read. The parsers keep every token of a document: 10 MB of Markdown takes minutes and
 * gigabytes of memory (enough to stop VS Code's extension host), so a larger file is reported instead of read.
 */
export const MAX_DOC_BYTES = 5 * 1024 * 1024;

export interface ReadDocOptions extends Partial<DecodeOptions> {
  readonly language?: DocLanguage | undefined;
  /** Its site and the repository's image components (see PageSetups): they decide how it is read. */
  readonly page?: PageSetup | undefined;
}

/**
 * Read and parse one file. A file the parser refuses, or whose bytes are not UTF-8, is returned with its parse error
 * (and no images), not thrown; I/O errors are thrown. The text keeps a BOM unless `keepBom` is false.
 */
export async function readDocFile(root: string, file: string, options: ReadDocOptions = {}): Promise<DocFile> {
  const absPath = path.resolve(root, file);
  const language = options.language ?? docLanguageOfPath(file) ?? 'markdown';
  const bytes = await readAtMost(absPath, MAX_DOC_BYTES);
  const find = { components: options.page?.components };
  if (typeof bytes === 'number') return { file, absPath, language, text: '', hash: '', images: [], find, parseError: new DocTooLargeError(bytes, MAX_DOC_BYTES) };
  const hash = contentHash(bytes);
  let text: string;
  try {
    text = decodeDocText(bytes, { keepBom: options.keepBom ?? true });
  } catch (e) {
    if (e instanceof NotUtf8Error) return { file, absPath, language, text: '', hash, images: [], find, parseError: e };
    throw e;
  }
  return parseDoc(file, absPath, text, language, hash, options.page);
}

/** The bytes of a file, or its size when that is over `limit` (then nothing is read). */
async function readAtMost(file: string, limit: number): Promise<Buffer | number> {
  const handle = await fs.open(file, 'r');
  try {
    const { size } = await handle.stat();
    if (size > limit) return size;
    const bytes = await handle.readFile();
    return bytes.length > limit ? bytes.length : bytes; // it grew meanwhile
  } finally {
    await handle.close();
  }
}

/**
 * Parse a document's text. `byName` is the language its name (or editor) gives; with its page setup (site, image
 * components) the language it is really read in is decided by pageDialect — the same for the CLI and the extension.
 */
export function parseDoc(file: string, absPath: string, text: string, byName: DocLanguage, hash = contentHash(text), page?: PageSetup): DocFile {
  const { language, find, mdxBecause } = pageDialect(absPath, text, byName, page);
  try {
    return { file, absPath, language, text, hash, images: findImages(text, language, find), find, parseError: undefined };
  } catch (e) {
    if (!(e instanceof DocParseError)) throw e;
    const parseError = mdxBecause ? new DocParseError(`${e.message} (read as MDX: ${mdxBecause})`, e.line, e.column) : e;
    return { file, absPath, language, text, hash, images: [], find, parseError };
  }
}

export interface CheckOptions extends LinkScope {
  readonly rules: ReadonlySet<RuleId>;
  readonly maxLength: number;
}

export interface FileCheck {
  readonly findings: Finding[];
  /** How each image's link resolved (local links only; by image index). */
  readonly links: Map<number, ResolvedLink>;
}

/**
 * Is this link of the image a local file (not a URL, not inline data, known statically)? `src`: the image's source,
 * or another of its links (ThemedImage's dark source, Learn's lightbox).
 */
export function isLocalLink(image: FoundImage, src = image.src): boolean {
  return !!src && !image.srcDynamic && !/^(https?:)?\/\//i.test(src) && !/^data:/i.test(src);
}

export function linkRoots(doc: DocFile, options: LinkScope): LinkRoots {
  return { documentPath: doc.absPath, root: options.root, docsRoot: options.docsRoot, site: siteServing(options.sites ?? [], doc.absPath) };
}

/** The findings of one parsed file. */
export async function checkDoc(doc: DocFile, options: CheckOptions): Promise<FileCheck> {
  const findings: Finding[] = [];
  const links = new Map<number, ResolvedLink>();
  const cache = options.dirCache ?? new DirectoryCache();
  const wantPaths = options.rules.has('image-path-case') || options.rules.has('image-missing');
  findings.push(...docAltFindings(doc.images, doc.file, options));
  for (const [index, image] of doc.images.entries()) {
    if (!wantPaths) continue;
    // The image's source, then its other links: ThemedImage's dark source, Learn's lightbox (the larger image a click
    // opens). Each must hold; only the source's case is fixed by --fix-path-case, the others' is reported.
    const others = [...(image.otherSrcs ?? []).map((src) => ({ src, what: '' })), ...(image.learn?.lightbox ? [{ src: image.learn.lightbox.src, what: 'lightbox ' }] : [])];
    for (const [n, { src, what }] of [{ src: image.src, what: '' }, ...others].entries()) {
      if (!isLocalLink(image, src)) continue;
      const link = await resolveImageLink(src, linkRoots(doc, options), cache);
      if (n === 0) links.set(index, link);
      findings.push(...linkFindings(doc, { line: image.line, column: image.column, src }, link, options.rules, what));
    }
  }
  findings.sort((a, b) => a.line - b.line || a.column - b.column);
  return { findings, links };
}

/** The path rules' findings for one link of an image. */
function linkFindings(doc: DocFile, at: { line: number; column: number; src: string }, link: ResolvedLink, rules: ReadonlySet<RuleId>, what = ''): Finding[] {
  const where = { file: doc.file, ...at };
  if (link.kind === 'file' && link.caseMismatch && rules.has('image-path-case')) {
    const real = path.relative(path.dirname(doc.absPath), link.path).split(path.sep).join('/');
    return [{ ...where, rule: 'image-path-case', message: `${what}link "${at.src}" differs in letter case from the file "${real}": broken on case-sensitive file systems` }];
  }
  if (link.kind === 'missing' && rules.has('image-missing')) return [{ ...where, rule: 'image-missing', message: `no such file: ${what}${at.src}` }];
  if (link.kind === 'refused' && rules.has('image-missing')) return [{ ...where, rule: 'image-missing', message: `not checked: ${what}${link.reason}` }];
  return [];
}

export interface CheckedDocs {
  readonly report: Report;
  /** The documents that parsed (for fixing). */
  readonly docs: DocFile[];
  /** What the listing could not read and skipped (a folder without permission), each as one sentence. */
  readonly warnings: readonly string[];
}

/**
 * List the files the patterns name (inside `root`; folders are searched for the doc languages), read and check each:
 * the report of findings and of files that could not be read or parsed. Patterns that lead out of the root are a
 * `bad-input` error, before any file is read.
 */
export async function checkDocs(root: string, patterns: readonly string[], options: Omit<CheckOptions, 'root'> & { readonly limit?: number | undefined }): Promise<CheckedDocs> {
  const listing = await listDocFiles(root, patterns, options.limit !== undefined ? { limit: options.limit } : {});
  if (listing.refused.length) throw new DescribeError('bad-input', listing.refused.join('; '));
  // A path that does not exist or a glob that matches nothing is an error (as in ESLint): a typo must not pass in CI.
  if (listing.unmatched.length) throw new DescribeError('bad-input', `${[...listing.unmatched, ...listing.unreadable].join('; ')}.`);
  const dirCache = options.dirCache ?? new DirectoryCache();
  // Each page's site and image components; a broken .describe-image.json stops the run here (bad input).
  const setups = new PageSetups(root, options.sites ?? []);
  const pages = new Map<string, PageSetup>();
  for (const file of listing.files) pages.set(file, await setups.of(path.resolve(root, file)));
  const docs: DocFile[] = [];
  const findings: Finding[] = [];
  const errors: { file: string; line: number; column: number; message: string }[] = [];
  for (const file of listing.files) {
    let doc: DocFile;
    try {
      doc = await readDocFile(root, file, { page: pages.get(file) });
    } catch (e) {
      errors.push({ file, line: 1, column: 1, message: `can't be read: ${(e as Error).message}` });
      continue;
    }
    if (doc.parseError) {
      errors.push({ file, line: doc.parseError.line, column: doc.parseError.column, message: doc.parseError.message });
      continue;
    }
    docs.push(doc);
    findings.push(...(await checkDoc(doc, { ...options, root, dirCache })).findings);
  }
  return { report: { files: listing.files.length, findings, errors }, docs, warnings: listing.unreadable };
}
