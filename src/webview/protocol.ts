/**
 * The paste panel's message protocol: one small module of readonly discriminated unions imported by both the
 * extension and the webview script, plus the extension's validation of everything the webview sends (the webview is
 * never trusted: every message is checked for shape, sizes and counts before it is used).
 */

import { isDetail, type Detail } from '../core/base';
import type { FixAction } from '../core/base';
import { isObject } from '../core/base';

export type { Detail };
export type PanelAction = FixAction;

export interface PresetInfo {
  readonly id: string;
  readonly label: string;
  readonly prompt: string;
}

/** An image the extension accepted, as the panel shows it. */
export interface ImageInfo {
  readonly id: string;
  readonly name: string;
  readonly mime: string;
  readonly bytes: number;
  readonly width: number | undefined;
  readonly height: number | undefined;
  /** A small `data:` thumbnail made by the extension (URL images have none). */
  readonly thumbnail: string | undefined;
  /** For images given as http(s) URLs. */
  readonly url: string | undefined;
}

export interface PanelState {
  readonly prompt: string;
  readonly detail: Detail;
  readonly presetId: string | undefined;
  readonly images: readonly ImageInfo[];
  /** The panel's folder of pasted images (the webview keeps it in its saved state for the restored panel). */
  readonly panelId?: string | undefined;
}

export type ToWebview =
  | { readonly type: 'init'; readonly state: PanelState; readonly presets: readonly PresetInfo[]; readonly deployment: string | undefined; readonly maxImages: number; readonly maxBytes: number }
  | { readonly type: 'images'; readonly images: readonly ImageInfo[] }
  | { readonly type: 'refused'; readonly message: string }
  | { readonly type: 'busy'; readonly busy: boolean; readonly message: string | undefined }
  | { readonly type: 'error'; readonly message: string; readonly actions: readonly { readonly action: PanelAction; readonly label: string }[] }
  | { readonly type: 'done'; readonly message: string }
  | { readonly type: 'deployment'; readonly deployment: string | undefined };

export interface IncomingImage {
  readonly name: string;
  readonly dataBase64: string;
}

export type FromWebview =
  | { readonly type: 'ready' }
  | { readonly type: 'addImages'; readonly images: readonly IncomingImage[] }
  | { readonly type: 'addUrl'; readonly url: string }
  | { readonly type: 'pick' }
  /** Read the text of the images on this machine (nothing is sent). */
  | { readonly type: 'extract' }
  | { readonly type: 'remove'; readonly id: string }
  | { readonly type: 'send'; readonly prompt: string; readonly detail: Detail; readonly presetId: string | undefined }
  | { readonly type: 'cancel' }
  | { readonly type: 'action'; readonly action: PanelAction }
  | { readonly type: 'state'; readonly prompt: string; readonly detail: Detail; readonly presetId: string | undefined };

export const MAX_PROMPT_LENGTH = 20_000;
const ACTIONS: readonly string[] = ['set-key', 'sign-in', 'configure-endpoint', 'choose-model', 'open-settings', 'show-log', 'retry'] satisfies readonly FixAction[];

export type Validation = { readonly ok: true; readonly message: FromWebview } | { readonly ok: false; readonly reason: string };

const str = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max;

/**
 * Check a message from the webview. `maxBytes` caps each image (checked on the base64 length before decoding),
 * `maxImages` the count in one message. Image bytes themselves are checked by the caller (sniffed, not trusted).
 */
export function validateFromWebview(raw: unknown, limits: { maxBytes: number; maxImages: number }): Validation {
  const bad = (reason: string): Validation => ({ ok: false, reason });
  if (!isObject(raw) || typeof raw['type'] !== 'string') return bad('not a message');
  switch (raw['type']) {
    case 'ready':
    case 'pick':
    case 'extract':
    case 'cancel':
      return { ok: true, message: { type: raw['type'] } };
    case 'remove':
      return str(raw['id'], 200) ? { ok: true, message: { type: 'remove', id: raw['id'] } } : bad('remove: bad id');
    case 'addUrl': {
      const url = raw['url'];
      if (!str(url, 4096) || !/^https?:\/\/[^\s]+$/i.test(url)) return bad('addUrl: not an http(s) URL');
      return { ok: true, message: { type: 'addUrl', url } };
    }
    case 'addImages': {
      const images = raw['images'];
      if (!Array.isArray(images) || images.length === 0) return bad('addImages: no images');
      if (images.length > limits.maxImages) return bad(`addImages: more than ${limits.maxImages} images`);
      const maxBase64 = Math.ceil(limits.maxBytes / 3) * 4;
      const out: IncomingImage[] = [];
      for (const image of images) {
        if (!isObject(image) || !str(image['name'], 500) || typeof image['dataBase64'] !== 'string') return bad('addImages: bad image');
        if (image['dataBase64'].length > maxBase64) return bad('addImages: image too large');
        if (!/^[A-Za-z0-9+/]*={0,2}$/.test(image['dataBase64'])) return bad('addImages: not base64');
        out.push({ name: image['name'], dataBase64: image['dataBase64'] });
      }
      return { ok: true, message: { type: 'addImages', images: out } };
    }
    case 'send':
    case 'state': {
      const { prompt, detail, presetId } = raw;
      if (!str(prompt, MAX_PROMPT_LENGTH)) return bad(`${raw['type']}: bad prompt`);
      if (!isDetail(detail)) return bad(`${raw['type']}: bad detail`);
      if (presetId !== undefined && !str(presetId, 100)) return bad(`${raw['type']}: bad preset`);
      return { ok: true, message: { type: raw['type'], prompt, detail: detail as Detail, presetId } };
    }
    case 'action': {
      const action = raw['action'];
      if (typeof action !== 'string' || !ACTIONS.includes(action)) return bad('action: unknown action');
      return { ok: true, message: { type: 'action', action: action as PanelAction } };
    }
    default:
      return bad(`unknown message type ${JSON.stringify(String(raw['type']).slice(0, 40))}`);
  }
}

/** A safe file name for a pasted image (no path parts, no control characters). */
export function safeImageName(name: string, fallback: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const cleaned = base.replace(/[\u0000-\u001f<>:"|?*]/g, '').trim().slice(0, 120);
  return cleaned || fallback;
}
