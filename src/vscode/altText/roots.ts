/** Where an editor document's links may lead, as the alt-text features resolve them (quick fixes, diagnostics, fill). */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DescribeError } from '../../core/base';
import { isInside, PageSetups, type PageSetup } from '../../core/docs';
import { detectSites, siteOfDocument, type Site } from '../../core/sites';
import { readAltTextSettings, type AltTextSettings } from '../base';

/** The folder links may lead to: the document's workspace folder, else its own folder. */
export function folderOf(uri: vscode.Uri): string {
  return vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath ?? path.dirname(uri.fsPath);
}

/** Where site-absolute links start: the docs-root setting inside the folder, else the folder. */
export function docsRootOf(uri: vscode.Uri, settings: AltTextSettings): string {
  const folder = folderOf(uri);
  if (!settings.docsRoot) return folder;
  const root = path.resolve(folder, settings.docsRoot);
  return isInside(folder, root) ? root : folder;
}

/** Detected sites (and page setups) by docs root, for a few seconds: diagnostics of many documents share them. */
const detected = new Map<string, { readonly at: number; readonly sites: Promise<readonly Site[]>; readonly setups: Promise<PageSetups> }>();
const DETECTION_LIFETIME_MS = 5000;

function detection(uri: vscode.Uri, settings: AltTextSettings): { sites: Promise<readonly Site[]>; setups: Promise<PageSetups> } {
  const from = docsRootOf(uri, settings);
  const folder = folderOf(uri);
  const key = `${folder}\n${from}`;
  const now = Date.now();
  const hit = detected.get(key);
  if (hit && now - hit.at < DETECTION_LIFETIME_MS) return hit;
  const sites = detectSites(from).catch(() => []);
  const entry = { at: now, sites, setups: sites.then((s) => new PageSetups(folder, s)) };
  detected.set(key, entry);
  return entry;
}

/** The docs sites the folder of a document belongs to or holds (as `alt-text check` detects them from its docs root). */
export function sitesOf(uri: vscode.Uri, settings: AltTextSettings): Promise<readonly Site[]> {
  return detection(uri, settings).sites;
}

/** Problems with a `.describe-image.json` already shown (each once per session). */
const shownProblems = new Set<string>();

/**
 * How a document is read, as `alt-text check` reads it: its site and the image components of the nearest
 * `.describe-image.json` (core/docs pages.ts). A broken configuration is shown once, and the built-in components used.
 */
export async function pageSetupOf(uri: vscode.Uri): Promise<PageSetup> {
  const { sites, setups } = detection(uri, readAltTextSettings(uri));
  try {
    return await (await setups).of(uri.fsPath);
  } catch (e) {
    if (!(e instanceof DescribeError)) throw e;
    if (!shownProblems.has(e.message)) {
      shownProblems.add(e.message);
      void vscode.window.showWarningMessage(vscode.l10n.t('Describe Image: {0}. Only the built-in image components are used until it is fixed.', e.message));
    }
    return { site: siteOfDocument(await sites, uri.fsPath), components: undefined };
  }
}

/** Where a document's links may lead and start: its folder, its docs root, and the sites detected there. */
export async function linkOptionsOf(uri: vscode.Uri, settings: AltTextSettings): Promise<{ root: string; docsRoot: string; sites: readonly Site[] }> {
  return { root: folderOf(uri), docsRoot: docsRootOf(uri, settings), sites: await sitesOf(uri, settings) };
}
