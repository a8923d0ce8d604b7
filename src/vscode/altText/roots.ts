/** Where an editor document's links may lead, as the alt-text features resolve them (quick fixes, diagnostics, fill). */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isInside } from '../../core/docs';
import { detectSites, type Site } from '../../core/sites';
import type { AltTextSettings } from '../base';

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

/** Detected sites by docs root, for a few seconds: diagnostics of many documents share one detection. */
const detected = new Map<string, { readonly at: number; readonly sites: Promise<readonly Site[]> }>();
const DETECTION_LIFETIME_MS = 5000;

/** The docs sites the folder of a document belongs to or holds (as `alt-text check` detects them from its docs root). */
export function sitesOf(uri: vscode.Uri, settings: AltTextSettings): Promise<readonly Site[]> {
  const from = docsRootOf(uri, settings);
  const now = Date.now();
  const hit = detected.get(from);
  if (hit && now - hit.at < DETECTION_LIFETIME_MS) return hit.sites;
  const sites = detectSites(from).catch(() => []);
  detected.set(from, { at: now, sites });
  return sites;
}

/** Where a document's links may lead and start: its folder, its docs root, and the sites detected there. */
export async function linkOptionsOf(uri: vscode.Uri, settings: AltTextSettings): Promise<{ root: string; docsRoot: string; sites: readonly Site[] }> {
  return { root: folderOf(uri), docsRoot: docsRootOf(uri, settings), sites: await sitesOf(uri, settings) };
}
