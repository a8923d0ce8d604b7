/**
 * Animated images (GIF, WebP, APNG), typically screen recordings: decoding them within a memory bound, choosing the
 * frames that show what happens, and sending them as frames or a contact sheet, whichever costs fewer tokens.
 * Imports: base, images.
 *
 * Where the data flows: sniff.ts (is it animated?) → read.ts (decode.ts: GIF/WebP by sharp; apng.ts + composite.ts:
 * APNG chunks, blend and dispose; limits.ts, timeline.ts, thumbnail.ts: what all readers share) → choose.ts +
 * spread.ts (which frames) → sheet.ts (frames or one contact sheet) → prepare.ts (for the wire) and wording.ts (what
 * the user and the model are told). types.ts holds the shapes passed between them.
 */
export { isAnimatedImage, isApng } from './sniff';
export { FrameSizeError, MAX_ANIMATION_FRAMES, MAX_ANIMATION_PIXELS, MAX_FRAME_PIXELS } from './limits';
export { THUMBNAIL_SIZE, thumbnailMinChange } from './thumbnail';
export { readAnimation } from './read';
export { changedPixels, chooseFrames, frameChange, isNearDuplicate, KEY_STATE_MS, PIXEL_NOISE, type ChooseOptions } from './choose';
export { badgeFontSize, compareSendModes, renderContactSheet, SHEET_GUTTER } from './sheet';
export { prepareAnimation } from './prepare';
export { animationNote, animationPrompt } from './wording';
export type { Animation, AnimationFormat, AnimationOptions, FrameChoice, GreyFrames, PreparedAnimation, SendMode, SendModeCosts, SheetLayout } from './types';
