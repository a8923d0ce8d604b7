/** The extension's alt-text cache (per user, in its global storage), saved after each run. */
import * as vscode from 'vscode';
import { FileAltCache } from '../../core/docs';
import type { AltDeps } from './deps';

/** Run with the cache loaded; then save it (a failed save is logged: the run's result stands). */
export async function withCache<T>(deps: AltDeps, run: (cache: FileAltCache) => Promise<T>): Promise<T> {
  const cache = await FileAltCache.load(vscode.Uri.joinPath(deps.context.globalStorageUri, 'alt-text-cache.json').fsPath);
  try {
    return await run(cache);
  } finally {
    await cache.save().catch((e: unknown) => deps.log.warn(`The alt-text cache could not be saved: ${String(e)}`));
  }
}
