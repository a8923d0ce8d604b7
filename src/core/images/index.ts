/**
 * Images: reading them and checking them before anything is sent (type from the bytes, limits), and preparing what
 * the model sees — resized to the size the service would use, EXIF-rotated, SVG/BMP rasterised, re-encoded — with
 * the image-token estimate. sharp and resvg are loaded the first time an image needs them.
 * Imports: base, net (the wire shape of an image).
 */
export * from './damage';
export * from './load';
export * from './pipeline';
export * from './pngWalk';
export * from './rasterise';
export * from './sharp';
export * from './tokens';
export * from './wire';
