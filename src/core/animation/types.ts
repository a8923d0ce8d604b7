/**
 * The shapes the animation subsystem passes along: an animation as read (`Animation`, its `GreyFrames`), the frames
 * chosen from it (`FrameChoice`), the two ways of sending them (`SheetLayout`, `SendModeCosts`), and what is prepared
 * for the wire (`PreparedAnimation`).
 */
import type { Detail } from '../base';
import type { PreparedImage, RawImage, Size } from '../images';

export type AnimationFormat = 'gif' | 'webp' | 'apng' | 'still';
export type SendMode = 'frames' | 'sheet';

/** Grey (one byte a pixel) thumbnails of every frame, all the same size. */
export interface GreyFrames {
  readonly width: number;
  readonly height: number;
  readonly frames: readonly Uint8Array[];
  /**
   * The least change that counts, for this frame size: grey levels above PIXEL_NOISE summed over the thumbnail
   * (two source pixels turning black to white; in a small frame one thumbnail pixel covers only a few pixels).
   */
  readonly minChange: number;
}

export interface Animation {
  readonly format: AnimationFormat;
  readonly width: number;
  readonly height: number;
  readonly frameCount: number;
  /** How long each frame is shown, in ms. */
  readonly delaysMs: readonly number[];
  /** When each frame starts, in ms from the start. */
  readonly startsMs: readonly number[];
  readonly durationMs: number;
  /** Grey thumbnails of every frame (long side `size`, never enlarged), read in bounded chunks. */
  thumbnails(size?: number): Promise<GreyFrames>;
  /** The given frames, composited, as RGBA — at full size, or resized to `size`. */
  frames(indices: readonly number[], size?: Size): Promise<RawImage[]>;
}

export interface FrameChoice {
  /** 0-based frame index. */
  readonly index: number;
  /** When the frame starts, in ms from the start. */
  readonly timeMs: number;
}


/** A rectangle of pixels (an APNG frame's region; the part of a canvas a frame changed). */
export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface SheetLayout {
  readonly cols: number;
  readonly rows: number;
  readonly cellWidth: number;
  readonly cellHeight: number;
  readonly gutter: number;
  /** Size of the sheet with full-size cells. */
  readonly width: number;
  readonly height: number;
}

export interface SendModeCosts {
  /** Each frame at the size the service gives a single frame: the legibility both modes are compared at. */
  readonly frame: Size;
  /** Image tokens of the frames sent separately. */
  readonly framesTokens: number;
  readonly sheet: SheetLayout;
  /** The sheet as sent: its own size when legible, else the size the service would shrink it to. */
  readonly sheetSent: Size;
  /** Image tokens of the sheet. */
  readonly sheetTokens: number;
  /** Every cell keeps the frame's size (the service would not shrink the sheet). */
  readonly sheetLegible: boolean;
  /** Fewer image tokens at the same legibility (a tie goes to the frames). */
  readonly choice: SendMode;
}

export interface AnimationOptions {
  readonly detail: Detail | undefined;
  /** The most frames to send (1 = the first frame only; at most 10, the service's limit per request). */
  readonly maxFrames: number;
  /** Force a way of sending (default: the one with fewer image tokens at the same legibility). */
  readonly mode?: SendMode | undefined;
}

export interface PreparedAnimation {
  /** What goes on the wire: one image per frame, or one contact sheet. */
  readonly images: PreparedImage[];
  /** The chosen frames, in time order. */
  readonly frames: readonly FrameChoice[];
  readonly totalFrames: number;
  readonly durationMs: number;
  readonly format: AnimationFormat;
  readonly width: number;
  readonly height: number;
  readonly mode: SendMode;
  /** Image tokens of `images` (tile formula). */
  readonly estimatedTokens: number;
  /** Both ways of sending, compared. */
  readonly costs: SendModeCosts;
  /** One sentence for the user: which frames, how they are sent. */
  readonly note: string;
}

