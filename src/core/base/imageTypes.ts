/**
 * The image types Describe Image knows, and the limits of a request, in one place: what the service takes, what the
 * image pipeline converts into one of those, the file extensions the menus, pickers and finders recognise (package.json's
 * menus match the same list: a test checks that they agree).
 */

/** At most this many images in one chat request. */
export const MAX_IMAGES = 10;
/** An animation sends at most this many frames (one request takes at most MAX_IMAGES images), and by default DEFAULT_MAX_FRAMES. */
export const MAX_FRAMES = 10;
export const DEFAULT_MAX_FRAMES = 6;
/** At most this many bytes per image (the service's limit: 20 MB). */
export const MAX_IMAGE_BYTES = 20 * 1024 * 1024;
/** The largest file read at all (a bigger one is refused before reading it). */
export const MAX_INPUT_BYTES = 256 * 1024 * 1024;

/** What the service takes as input. */
export const ACCEPTED_MIME_TYPES: readonly string[] = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'];

/** What the image pipeline turns into something the service takes (decoded by sharp, SVG by resvg, BMP here). */
export const CONVERTIBLE_MIME_TYPES: readonly string[] = [...ACCEPTED_MIME_TYPES, 'image/bmp', 'image/svg+xml', 'image/tiff', 'image/avif', 'image/heif'];

/** Types this pipeline can turn into something the service takes. */
export function isConvertible(mime: string): boolean {
  return CONVERTIBLE_MIME_TYPES.includes(mime);
}

/** File extension (lower case, no dot) of each image type Describe Image takes, with its MIME type. */
const EXTENSION_MIME: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  bmp: 'image/bmp',
  svg: 'image/svg+xml',
  tif: 'image/tiff',
  tiff: 'image/tiff',
  avif: 'image/avif',
};

/** File extensions of the images Describe Image takes (the service's own types, and the ones the pipeline converts). */
export const IMAGE_FILE_EXTENSIONS: readonly string[] = Object.keys(EXTENSION_MIME);

/** The extension of a file name or path, lower case, without the dot ('' when there is none). */
function extensionOf(name: string): string {
  const base = name.replace(/\\/g, '/').split('/').pop() ?? '';
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}

/** Does a file name or path end with one of IMAGE_FILE_EXTENSIONS (any letter case)? */
export function hasImageExtension(name: string): boolean {
  return extensionOf(name) in EXTENSION_MIME;
}

/** The usual file extension for an image MIME type (for naming pasted images), if it is one Describe Image takes. */
export function extensionForMime(mime: string): string | undefined {
  if (mime === 'image/jpeg') return 'jpg';
  if (mime === 'image/tiff') return 'tiff';
  return Object.entries(EXTENSION_MIME).find(([, m]) => m === mime)?.[0];
}
