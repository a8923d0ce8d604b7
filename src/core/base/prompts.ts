/** Default and preset prompts. */

export const DEFAULT_SYSTEM_PROMPT =
  'You are a precise assistant that describes images for software developers and technical writers. ' +
  'Describe what is visible, read any text exactly, and do not guess at what is not shown.';

export const DEFAULT_USER_PROMPT = 'Describe this image in detail.';

export interface PromptPreset {
  readonly id: string;
  readonly label: string;
  readonly prompt: string;
}

export const PROMPT_PRESETS: readonly PromptPreset[] = [
  { id: 'describe', label: 'Describe', prompt: DEFAULT_USER_PROMPT },
  {
    id: 'alt-text',
    label: 'Alt text',
    prompt:
      'Write alt text for this image: one concise sentence (at most 125 characters) saying what it shows and why it matters. ' +
      'Do not start with "Image of" or "Picture of".',
  },
  {
    id: 'review-ui',
    label: 'Review this UI screenshot',
    prompt:
      'Review this UI screenshot as a senior product designer and front-end developer: list problems with layout, alignment, ' +
      'contrast, accessibility, consistency and wording, most important first, each with a concrete fix.',
  },
  {
    id: 'extract-text',
    label: 'Extract the visible text',
    prompt: 'Extract all visible text from this image exactly as written, keeping its reading order and line breaks. Output only the text.',
  },
];
