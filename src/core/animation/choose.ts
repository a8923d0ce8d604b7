/**
 * Choosing (`chooseFrames`). Frames whose thumbnails differ by less than the noise (8 grey levels a pixel, and in all
 * less than two source pixels turning black to white) are one *state*, shown by its first frame: the moment it
 * appears. A state that comes back within a second to one of the last screens belongs to that *screen* (a blinking
 * caret, a hover undone). Screens seen for a second or more are *key* screens, and so are the first and the last.
 * Key screens are kept first: when there are more than the budget, those that differ most from the one before;
 * otherwise all of them, and the rest of the budget is spread over the time the screen was changing between them
 * (spread.ts). No chosen frame is a near-duplicate of another, nor a member of a screen already shown. So a long still
 * followed by a change gives the first frame and the change; typing gives frames spread along the typing; motion,
 * frames spread along the motion. A budget of 1 is the first frame only (what was sent before). Measured on a
 * generated 57.6-s recording (bench/sections/frames.mjs): its 6 frames are exactly the six screens a viewer reads
 * (idle editor, line typed, palette open, list scrolled, pointer on the button, toast); with 3 more frames of budget
 * on a 240-frame APNG of it, they go to the typing (7 s of changes), not to the 0.8-s slide of the palette.
 */
import { DEFAULT_MAX_FRAMES } from '../base';
import { spread } from './spread';
import { timeline } from './timeline';
import type { FrameChoice } from './types';

/** A thumbnail pixel that moved by at most this many grey levels has not changed (dithering, compression). */
export const PIXEL_NOISE = 8;
/** A screen seen at least this long is a key screen. */
export const KEY_STATE_MS = 1000;
/** A state that comes back to one of this many last screens, within KEY_STATE_MS, belongs to it. */
const RECENT_SCREENS = 4;

/** How many thumbnail pixels changed by more than the noise. */
export function changedPixels(a: Uint8Array, b: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (Math.abs((a[i] ?? 0) - (b[i] ?? 0)) > PIXEL_NOISE) n++;
  return n;
}

/**
 * Two frames whose thumbnails differ by less than `minChange` grey levels above the noise, summed (by default:
 * nowhere by more than the noise).
 */
export function isNearDuplicate(a: Uint8Array, b: Uint8Array, minChange = 1): boolean {
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs((a[i] ?? 0) - (b[i] ?? 0)) - PIXEL_NOISE;
    if (d > 0 && (sum += d) >= minChange) return false;
  }
  return true;
}

/** How much changed between two thumbnails: the mean change above the noise, 0 (none) to 1 (black ↔ white everywhere). */
export function frameChange(a: Uint8Array, b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.max(0, Math.abs((a[i] ?? 0) - (b[i] ?? 0)) - PIXEL_NOISE);
  return a.length === 0 ? 0 : sum / (a.length * (255 - PIXEL_NOISE));
}

export interface ChooseOptions {
  /** The most frames to choose (default 6; at least 1). */
  readonly maxFrames?: number | undefined;
  /** A state seen this long is kept before transient ones (default KEY_STATE_MS). */
  readonly keyStateMs?: number | undefined;
  /** The least change that counts (`GreyFrames.minChange`; default: any pixel moving more than the noise). */
  readonly minChange?: number | undefined;
}

/** Are states s and t near-duplicates? */
type StateDup = (s: number, t: number) => boolean;

/** States: runs of frames that are near-duplicates of the run's first frame (`states`), and how long each was seen. */
function findStates(thumbs: readonly Uint8Array[], delaysMs: readonly number[], isNearDup: (a: Uint8Array, b: Uint8Array) => boolean): { states: number[]; dwell: number[] } {
  const states: number[] = [0];
  const dwell: number[] = [delaysMs[0] ?? 0];
  for (let i = 1; i < thumbs.length; i++) {
    if (isNearDup(thumbs[states[states.length - 1] as number] as Uint8Array, thumbs[i] as Uint8Array)) dwell[dwell.length - 1] = (dwell[dwell.length - 1] ?? 0) + (delaysMs[i] ?? 0);
    else {
      states.push(i);
      dwell.push(delaysMs[i] ?? 0);
    }
  }
  return { states, dwell };
}

/** `dup` remembered: each pair of `count` states is compared once. */
function memoised(count: number, dup: StateDup): StateDup {
  const memo = new Map<number, boolean>();
  return (s, t) => {
    const key = Math.min(s, t) * count + Math.max(s, t);
    let v = memo.get(key);
    if (v === undefined) memo.set(key, (v = dup(s, t)));
    return v;
  };
}

interface Screen {
  dwell: number;
  /** Its states, in time order. */
  members: number[];
}

/**
 * The screen state `s` comes back to: one of the last RECENT_SCREENS, left less than `keyMs` ago, that `s` is a
 * near-duplicate of (its first state or one of its last three); -1 for none.
 */
function recentScreen(screens: readonly Screen[], s: number, dup: StateDup, keyMs: number): number {
  let excursion = 0;
  for (let k = screens.length - 1; k >= 0 && k >= screens.length - RECENT_SCREENS; k--) {
    if (k < screens.length - 1) excursion += (screens[k + 1] as Screen).dwell;
    if (excursion >= keyMs) break;
    const members = (screens[k] as Screen).members;
    if ((members.length <= 4 ? members : [members[0] as number, ...members.slice(-3)]).some((t) => dup(t, s))) return k;
  }
  return -1;
}

/**
 * Screens: a state that comes back, within a second, to one of the last few screens belongs to it, with the states in
 * between (a blinking caret, a hover undone, a tooltip that came and went). `screenOf[s]` is state s's screen.
 */
function groupScreens(dwell: readonly number[], dup: StateDup, keyMs: number): { screens: Screen[]; screenOf: number[] } {
  const screenOf: number[] = [0];
  const screens: Screen[] = [{ dwell: dwell[0] ?? 0, members: [0] }];
  for (let s = 1; s < dwell.length; s++) {
    let joined = recentScreen(screens, s, dup, keyMs);
    if (joined < 0) {
      screens.push({ dwell: 0, members: [] });
      joined = screens.length - 1;
    }
    const screen = screens[joined] as Screen;
    for (const gone of screens.splice(joined + 1)) {
      screen.dwell += gone.dwell;
      screen.members.push(...gone.members);
      for (const t of gone.members) screenOf[t] = joined;
    }
    screen.dwell += dwell[s] ?? 0;
    screen.members.push(s);
    screenOf[s] = joined;
  }
  return { screens, screenOf };
}

/**
 * Key screens (seen long enough; and the first and the last), each shown by its first state. A near-duplicate of a
 * recent key screen is not a new one (the screen came back after a longer excursion). The last state always ends it.
 */
function keyStates(screens: readonly Screen[], last: number, dup: StateDup, keyMs: number): number[] {
  const key: number[] = [];
  screens.forEach((screen, k) => {
    const s = screen.members[0] as number;
    if (k !== 0 && k !== screens.length - 1 && screen.dwell < keyMs) return;
    if (key.slice(-8).some((q) => dup(q, s))) return;
    key.push(s);
  });
  if (key[key.length - 1] !== last) key.push(last); // the end is a boundary even when already seen
  return key;
}

/**
 * Choose the frames that show what happens (see the header): the first, the key screens, the last, and frames spread
 * over the time the screen was changing, up to `maxFrames`, never two near-duplicates; in time order. `delaysMs[i]` is
 * how long frame i shows.
 */
export function chooseFrames(thumbs: readonly Uint8Array[], delaysMs: readonly number[], options: ChooseOptions = {}): FrameChoice[] {
  const budget = Math.max(1, Math.floor(options.maxFrames ?? DEFAULT_MAX_FRAMES));
  const keyMs = options.keyStateMs ?? KEY_STATE_MS;
  const minChange = options.minChange ?? 1;
  const isNearDup = (a: Uint8Array, b: Uint8Array) => isNearDuplicate(a, b, minChange);
  const { startsMs } = timeline(thumbs.map((_, i) => delaysMs[i] ?? 0));
  const at = (index: number): FrameChoice => ({ index, timeMs: startsMs[index] ?? 0 });
  if (thumbs.length === 0) return [];
  if (budget === 1 || thumbs.length === 1) return [at(0)];
  const thumb = (i: number) => thumbs[i] as Uint8Array;
  const { states, dwell } = findStates(thumbs, delaysMs, isNearDup);
  if (states.length === 1) return [at(0)];
  const frameOf = (s: number) => states[s] as number;
  const dup = memoised(states.length, (s, t) => isNearDup(thumb(frameOf(s)), thumb(frameOf(t))));
  const { screens, screenOf } = groupScreens(dwell, dup, keyMs);
  const key = keyStates(screens, states.length - 1, dup, keyMs);

  // More key screens than the budget: choose among them, by how much each differs from the one before. Otherwise keep
  // them all and spread the rest over the time the screen was changing (a transition weighs the time the state it
  // leaves was seen; none inside a screen).
  const isDupOfPicks = (nodes: readonly number[]) => (k: number, picks: readonly number[]) => picks.some((p) => screenOf[nodes[p] as number] === screenOf[nodes[k] as number] || dup(nodes[p] as number, nodes[k] as number));
  if (key.length > budget) {
    const weight = key.map((s, k) => (k === 0 ? 0 : frameChange(thumb(frameOf(key[k - 1] as number)), thumb(frameOf(s)))));
    return spread(key.length, weight, () => false, budget, isDupOfPicks(key)).map((k) => at(frameOf(key[k] as number)));
  }
  const nodes = states.map((_, s) => s);
  const forced = new Set(key);
  const weight = nodes.map((s) => (s === 0 || screenOf[s] === screenOf[s - 1] ? 0 : Math.min(dwell[s - 1] ?? 0, keyMs)));
  return spread(nodes.length, weight, (k) => forced.has(k), budget, isDupOfPicks(nodes)).map((k) => at(frameOf(k)));
}
