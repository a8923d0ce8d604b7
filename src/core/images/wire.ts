/**
 * From loaded images to what goes on the wire. Local files become `data:` URLs labelled with the type found in their
 * bytes; URLs are passed through. Each prepared image keeps what a person (or `--dry-run`) wants to know about it.
 */
import type { LoadedImage } from './load';
import { toDataUrl } from './load';
import { estimateImageTokens } from './tokens';
import type { Detail } from '../base';
import type { WireImage } from '../net';

export interface PreparedImage extends WireImage {
  readonly source: string;
  readonly name: string;
  readonly kind: 'file' | 'url';
  /** Absolute path of a local file. */
  readonly path: string | undefined;
  readonly originalMime: string | undefined;
  readonly originalBytes: number | undefined;
  readonly width: number | undefined;
  readonly height: number | undefined;
  readonly sentMime: string | undefined;
  readonly sentBytes: number | undefined;
  /** Dimensions of what is sent (for local images). */
  readonly sentWidth: number | undefined;
  readonly sentHeight: number | undefined;
  /** Image tokens the service will bill, by the tile formula (undefined for URLs: their size is unknown). */
  readonly estimatedTokens: number | undefined;
  /** What was done to it, for the record: resized, turned upright, converted (the document's footer; --verbose). */
  readonly notes: readonly string[];
  /** What the user should act on (e.g. "named .png but its bytes are a JPEG", only the first frame sent). */
  readonly warnings: readonly string[];
  /**
   * An animated image (GIF, WebP, APNG): the frames chosen and how they went. Its wire images are `url` and `more`
   * (the sizes, bytes and tokens above are of all of them together: bytes and tokens summed, the size of one).
   */
  readonly animation?: AnimationSummary | undefined;
}

export interface AnimationSummary {
  /** The chosen frames (0-based index, time from the start), in time order. */
  readonly frames: readonly { readonly index: number; readonly timeMs: number }[];
  readonly totalFrames: number;
  readonly durationMs: number;
  readonly format: string;
  /** Separate images, or one contact sheet. */
  readonly mode: 'frames' | 'sheet';
  /** Images on the wire for it. */
  readonly sentImages: number;
  /** One sentence: which frames, how they were sent. */
  readonly note: string;
}

/** The original bytes, untouched (`--no-resize`), or a URL passed through. */
export function prepareImage(image: LoadedImage, detail?: Detail): PreparedImage {
  if (image.kind === 'url') {
    return {
      url: image.url,
      source: image.source,
      name: image.name,
      kind: 'url',
      path: undefined,
      originalMime: undefined,
      originalBytes: undefined,
      width: undefined,
      height: undefined,
      sentMime: undefined,
      sentBytes: undefined,
      sentWidth: undefined,
      sentHeight: undefined,
      estimatedTokens: undefined,
      notes: [],
      warnings: [],
    };
  }
  const { sniffed } = image;
  const warnings: string[] = [];
  if (image.nameMime && image.nameMime !== sniffed.mime) {
    warnings.push(`${image.name} is named as ${image.nameMime} but its bytes are ${sniffed.mime}; sent as ${sniffed.mime}.`);
  }
  return {
    url: toDataUrl(sniffed.mime, image.bytes),
    source: image.source,
    name: image.name,
    kind: 'file',
    path: image.path,
    originalMime: sniffed.mime,
    originalBytes: image.bytes.length,
    width: sniffed.width,
    height: sniffed.height,
    sentMime: sniffed.mime,
    sentBytes: image.bytes.length,
    sentWidth: sniffed.width,
    sentHeight: sniffed.height,
    estimatedTokens: sniffed.width && sniffed.height ? estimateImageTokens(sniffed.width, sniffed.height, detail) : undefined,
    notes: [],
    warnings,
  };
}
