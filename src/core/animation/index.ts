/**
 * Animated images (GIF, WebP, APNG), typically screen recordings: decoding them within a memory bound, choosing the
 * frames that show what happens, and sending them as frames or a contact sheet, whichever costs fewer tokens.
 * Imports: base, images.
 */
export * from './frames';
