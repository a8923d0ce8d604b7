/**
 * Reading images and checking them before anything is sent: local files are read and their real type is taken from
 * their bytes (a `.png` that is really a JPEG is sent as image/jpeg); http(s) URLs are passed through for the service
 * to fetch. Everything the service would refuse is refused here first, with a message naming the file.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { imageSize } from 'image-size';
import { lookup as mimeFromName } from 'mime-types';
import { ACCEPTED_MIME_TYPES, DescribeError, MAX_IMAGE_BYTES, MAX_IMAGES, MAX_INPUT_BYTES } from '../base';
import { DamagedImageError } from './damage';
import { walkPng } from './pngWalk';

/** The image types recognised from their bytes, named by MIME type. */
const TYPE_TO_MIME: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  bmp: 'image/bmp',
  svg: 'image/svg+xml',
  tiff: 'image/tiff',
  heif: 'image/heif',
  avif: 'image/avif',
  ico: 'image/x-icon',
  cur: 'image/x-icon',
  icns: 'image/icns',
  psd: 'image/vnd.adobe.photoshop',
  dds: 'image/vnd-ms.dds',
  ktx: 'image/ktx',
  j2c: 'image/jp2',
  jp2: 'image/jp2',
  jxl: 'image/jxl',
  pnm: 'image/x-portable-anymap',
  tga: 'image/x-tga',
  exr: 'image/x-exr',
};

export interface SniffedImage {
  /** MIME type from the bytes. */
  readonly mime: string;
  readonly width: number | undefined;
  readonly height: number | undefined;
  /** EXIF orientation 1–8 when present. */
  readonly orientation: number | undefined;
  /** For GIFs: the number of frames (more than one: animated). */
  readonly frames: number | undefined;
  /** Why the image is damaged, when its bytes alone show it (a GIF or PNG cut short); its decoder finds the rest. */
  readonly damage?: string | undefined;
}

/**
 * The signatures (magic numbers, from each format's specification) of the types whose header may be cut short or
 * broken: bytes that start so but whose header image-size can't read are that type, damaged, not "no image".
 */
const SIGNATURES: readonly { readonly mime: string; readonly parts: readonly (readonly [at: number, bytes: string])[] }[] = [
  { mime: 'image/png', parts: [[0, '89504e470d0a1a0a']] },
  { mime: 'image/jpeg', parts: [[0, 'ffd8ff']] },
  { mime: 'image/gif', parts: [[0, '47494638']] }, // GIF8 (7a or 9a)
  { mime: 'image/webp', parts: [[0, '52494646'], [8, '57454250']] }, // RIFF....WEBP
  { mime: 'image/tiff', parts: [[0, '49492a00']] }, // II*\0
  { mime: 'image/tiff', parts: [[0, '4d4d002a']] }, // MM\0*
  { mime: 'image/avif', parts: [[4, '6674797061766966']] }, // ftypavif
];

/** An image whose signature is there but whose header is cut short or broken. */
function brokenHeader(bytes: Uint8Array): SniffedImage | undefined {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const sig = SIGNATURES.find((s) => s.parts.every(([at, hex]) => b.subarray(at, at + hex.length / 2).toString('hex') === hex));
  if (!sig) return undefined;
  return { mime: sig.mime, width: undefined, height: undefined, orientation: undefined, frames: undefined, damage: `its header can't be read: the file ends after ${bytes.length} bytes or its header is broken` };
}

/**
 * A WebP (a RIFF file) cut short: shorter than the size its RIFF header gives. (image-size reads a header cut short as
 * whatever follows, e.g. a 7424×10753 image from 16 bytes.) Bytes after the RIFF's end are not its business.
 */
function riffDamage(b: Uint8Array): string | undefined {
  const whole = 8 + (((b[4] ?? 0) | ((b[5] ?? 0) << 8) | ((b[6] ?? 0) << 16) | ((b[7] ?? 0) << 24)) >>> 0);
  return b.length < whole ? `it ends after ${b.length} of its ${whole} bytes` : undefined;
}

/** Recognise an image by its bytes. Returns undefined for bytes that are no image we know. */
export function sniffImage(bytes: Uint8Array): SniffedImage | undefined {
  if (bytes.length === 0) return undefined;
  let info: ReturnType<typeof imageSize>;
  try {
    info = imageSize(bytes);
  } catch {
    return brokenHeader(bytes);
  }
  const type = info.type ?? '';
  const mime = TYPE_TO_MIME[type];
  if (!mime) return undefined;
  const gif = mime === 'image/gif' ? walkGif(bytes) : undefined;
  const damage = gif?.damage ?? (mime === 'image/png' ? walkPng(bytes).damage : mime === 'image/webp' ? riffDamage(bytes) : undefined);
  return { mime, width: info.width, height: info.height, orientation: info.orientation, frames: gif?.frames, damage };
}

/** What walking a GIF's blocks found: its frames, and whether it ends as a GIF ends (with its trailer). */
export interface GifWalk {
  readonly frames: number;
  /** Why the GIF is damaged (cut short, or a byte no block starts with); undefined when it is whole. */
  readonly damage: string | undefined;
}

/**
 * Walk a GIF's blocks (header, logical screen, optional global colour table, then extension blocks and image
 * descriptors until the trailer), counting its frames. A GIF cut short lacks its trailer: libvips then decodes the
 * frames that are there without a word, so the walk is what tells.
 */
export function walkGif(b: Uint8Array): GifWalk {
  if (b.length < 13) return { frames: 0, damage: `it ends after ${b.length} bytes, inside its header` };
  let p = 13;
  const packed = b[10] ?? 0;
  if (packed & 0x80) p += 3 * (1 << ((packed & 0x07) + 1));
  let frames = 0;
  const skipSubBlocks = (): void => {
    while (p < b.length) {
      const size = b[p] ?? 0;
      p += 1;
      if (size === 0) return;
      p += size;
    }
    p = Infinity; // ran out inside the data
  };
  while (p < b.length) {
    const marker = b[p];
    if (marker === 0x3b) return { frames: Math.max(frames, 1), damage: undefined }; // the trailer: whole
    if (marker === 0x21) {
      p += 2; // introducer + label
      skipSubBlocks();
    } else if (marker === 0x2c) {
      frames += 1;
      const flags = b[p + 9] ?? 0;
      p += 10;
      if (flags & 0x80) p += 3 * (1 << ((flags & 0x07) + 1));
      p += 1; // LZW minimum code size
      skipSubBlocks();
    } else {
      return { frames: Math.max(frames, 1), damage: `byte ${p} starts no GIF block` };
    }
  }
  return { frames: Math.max(frames, 1), damage: `it ends after ${b.length} bytes, before its trailer` };
}

/** The frames of a GIF (at least 1 for a readable one). */
export function countGifFrames(b: Uint8Array): number {
  return walkGif(b).frames;
}

export interface LocalImage {
  readonly kind: 'file';
  /** What the user gave (for messages). */
  readonly source: string;
  /** Absolute path. */
  readonly path: string;
  readonly name: string;
  readonly bytes: Buffer;
  /** The type the file's name claims, if any. */
  readonly nameMime: string | undefined;
  readonly sniffed: SniffedImage;
}

export interface RemoteImage {
  readonly kind: 'url';
  readonly source: string;
  readonly url: string;
  readonly name: string;
}

export type LoadedImage = LocalImage | RemoteImage;

export function isHttpUrl(source: string): boolean {
  return /^https?:\/\//i.test(source.trim());
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${n} bytes`;
}
export { formatBytes };

function describeKnownType(mime: string): string {
  return mime.replace('image/', '').replace('svg+xml', 'SVG').toUpperCase();
}

export interface LoadOptions {
  /** Resolve relative paths against this folder (default: the process's working directory). */
  readonly cwd?: string | undefined;
  /**
   * Types that a later step converts, so they are not refused here (the image pipeline converts SVG, BMP, animated
   * GIF…). By default only what the service takes is allowed.
   */
  readonly convertible?: (sniffed: SniffedImage) => boolean;
  /** Allow files over the service's byte limit (a later step shrinks them). */
  readonly allowOversize?: boolean;
}

/** Read one image source, or throw a `bad-input` DescribeError whose message names it. */
export async function loadImage(source: string, options: LoadOptions = {}): Promise<LoadedImage> {
  const trimmed = source.trim();
  if (!trimmed) throw new DescribeError('bad-input', 'An image path is empty.');
  if (isHttpUrl(trimmed)) {
    let url: URL;
    try {
      url = new URL(trimmed);
    } catch {
      throw new DescribeError('bad-input', `"${trimmed}" is not a valid URL.`);
    }
    const last = url.pathname.split('/').filter(Boolean).pop();
    return { kind: 'url', source: trimmed, url: url.href, name: last ? decodeURIComponent(last) : url.host };
  }
  if (/^[a-z][a-z0-9+.-]+:\/\//i.test(trimmed) && !/^file:/i.test(trimmed)) {
    throw new DescribeError('bad-input', `"${trimmed}" is neither a local file nor an http(s) URL.`);
  }
  const abs = path.resolve(options.cwd ?? process.cwd(), /^file:/i.test(trimmed) ? fileURLToPath(trimmed) : trimmed);
  let stat;
  try {
    stat = await fs.stat(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new DescribeError('bad-input', `${source}: no such file.`);
    if (code === 'EACCES' || code === 'EPERM') throw new DescribeError('bad-input', `${source}: permission denied, the file can't be read.`);
    throw new DescribeError('bad-input', `${source}: can't be read (${code ?? String(e)}).`, { cause: e });
  }
  if (stat.isDirectory()) throw new DescribeError('bad-input', `${source} is a folder, not an image.`);
  if (!stat.isFile()) throw new DescribeError('bad-input', `${source} is not a regular file.`);
  if (stat.size === 0) throw new DescribeError('bad-input', `${source} is empty (0 bytes).`);
  if (stat.size > MAX_IMAGE_BYTES && !options.allowOversize) {
    throw new DescribeError('bad-input', `${source} is ${formatBytes(stat.size)}; the service takes at most 20 MB per image.`);
  }
  if (stat.size > MAX_INPUT_BYTES) {
    throw new DescribeError('bad-input', `${source} is ${formatBytes(stat.size)}; images over ${formatBytes(MAX_INPUT_BYTES)} are not read.`);
  }
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(abs);
  } catch (e) {
    throw new DescribeError('bad-input', `${source}: can't be read (${(e as NodeJS.ErrnoException).code ?? String(e)}).`, { cause: e });
  }
  return checkImageBytes(source, abs, bytes, options);
}

/** An image already in memory (pasted, dropped, or read from a virtual file system). */
export interface InMemoryImage {
  /** A file name for messages and the document (e.g. "screenshot-1.png"). */
  readonly name: string;
  readonly bytes: Uint8Array;
  /** Where it lives, when it has a path (used for links); otherwise the name is used. */
  readonly path?: string | undefined;
}

export type ImageSource = string | InMemoryImage;

/** Check bytes that are already in memory, with the same rules as files. */
export function loadImageBytes(image: InMemoryImage, options: LoadOptions = {}): LocalImage {
  if (image.bytes.length === 0) throw new DescribeError('bad-input', `${image.name} is empty (0 bytes).`);
  if (image.bytes.length > MAX_IMAGE_BYTES && !options.allowOversize) {
    throw new DescribeError('bad-input', `${image.name} is ${formatBytes(image.bytes.length)}; the service takes at most 20 MB per image.`);
  }
  const bytes = Buffer.from(image.bytes.buffer, image.bytes.byteOffset, image.bytes.byteLength);
  return checkImageBytes(image.name, image.path ?? image.name, bytes, options);
}

function checkImageBytes(source: string, abs: string, bytes: Buffer, options: LoadOptions): LocalImage {
  const name = path.basename(abs);
  const sniffed = sniffImage(bytes);
  if (!sniffed) {
    throw new DescribeError('bad-input', `${source} is not an image: its bytes are not PNG, JPEG, GIF, WebP or another known image format.`);
  }
  if (sniffed.damage) throw new DamagedImageError(source, sniffed.damage);
  const convertible = options.convertible?.(sniffed) ?? false;
  if (!convertible) {
    if (!ACCEPTED_MIME_TYPES.includes(sniffed.mime)) {
      throw new DescribeError('bad-input', `${source} is a ${describeKnownType(sniffed.mime)} image; the service takes only PNG, JPEG, WebP and non-animated GIF.`);
    }
    if (sniffed.mime === 'image/gif' && (sniffed.frames ?? 1) > 1) {
      throw new DescribeError('bad-input', `${source} is an animated GIF (${sniffed.frames} frames); the service takes only non-animated GIFs.`);
    }
  }
  const nameMime = mimeFromName(abs) || undefined;
  return { kind: 'file', source, path: abs, name, bytes, nameMime, sniffed };
}

/**
 * Load 1 to 10 images. All problems are found before any request: the error lists every image that can't be sent.
 */
export async function loadImages(sources: readonly ImageSource[], options: LoadOptions = {}): Promise<LoadedImage[]> {
  if (sources.length === 0) throw new DescribeError('bad-input', 'No image given: name 1 to 10 image files or http(s) URLs.');
  if (sources.length > MAX_IMAGES) {
    throw new DescribeError('bad-input', `${sources.length} images given; the service takes at most ${MAX_IMAGES} in one request.`);
  }
  const settled = await Promise.allSettled(sources.map(async (s) => (typeof s === 'string' ? loadImage(s, options) : loadImageBytes(s, options))));
  const problems = settled.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  if (problems.length > 0) {
    const messages = problems.map((p) => (p instanceof Error ? p.message : String(p)));
    if (messages.length === 1) throw problems[0] instanceof DescribeError ? problems[0] : new DescribeError('bad-input', messages[0] ?? 'Bad image.');
    throw new DescribeError('bad-input', `${problems.length} of ${sources.length} images can't be sent: ${messages.join(' ')}`);
  }
  return settled.map((r) => (r as PromiseFulfilledResult<LoadedImage>).value);
}

/** Build a `data:` URL from bytes and their real type. */
export function toDataUrl(mime: string, bytes: Uint8Array): string {
  return `data:${mime};base64,${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')}`;
}
