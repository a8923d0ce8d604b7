/** The alt-text rules by name, with what each means and what to do about it (the checks themselves: core/docs). */

export const DEFAULT_ALT_MAX_LENGTH = 125;

export type RuleId = 'alt-missing' | 'alt-uninformative' | 'alt-too-long' | 'alt-duplicate' | 'alt-mismatch' | 'image-path-case' | 'image-missing';

export interface RuleInfo {
  readonly id: RuleId;
  readonly summary: string;
  /** What to do about it (SARIF help, README). */
  readonly help: string;
  /**
   * A finding of it makes `alt-text check` exit 1 (SARIF level `warning`). `alt-duplicate` does not (SARIF `note`, a
   * GitHub notice): two images may rightly share alt text, and a rule that can't be satisfied would be turned off.
   * `alt-mismatch` does: it is reported only when asked for (`--verify`), and then the model saw the image and the
   * alt text and found they disagree — what the user asked to be told about, with a replacement to apply.
   */
  readonly failsCheck: boolean;
}

export const RULES: readonly RuleInfo[] = [
  { id: 'alt-missing', summary: 'Image without alt text', failsCheck: true, help: 'Add alt text that says what the image shows (markdownlint MD045); alt text of only spaces is none. Mark purely decorative HTML images with alt="".' },
  { id: 'alt-uninformative', summary: 'Alt text that says nothing', failsCheck: true, help: 'Replace a file name or slug, a screenshot tool\'s default name, a placeholder or generic word ("alt text", "image", "TODO", in any language), a numbered label ("Step one") or a repeat of the heading or caption by what the image shows. Alt text that calls the image decorative wants alt="" instead.' },
  { id: 'alt-too-long', summary: 'Alt text far over the maximum length', failsCheck: true, help: 'Alt text over twice the maximum length (250 by default; a Chinese, Japanese or Korean character counts two) walks through the image: say what it means in a sentence, and put the detail in the text or a long description.' },
  { id: 'alt-duplicate', summary: 'Two different images with the same alt text', failsCheck: false, help: 'Alt text should be unique within a page (Microsoft Learn\'s rule): say what each image shows that the other does not. Reported without failing the check.' },
  { id: 'alt-mismatch', summary: 'Alt text that does not describe its image', failsCheck: true, help: 'Only with --verify (or the Verify Alt Text command): the model was shown the image with its alt text and its context, and found that the alt text describes something else (a different image, the wrong element). Replace it with the suggested alt text, or with your own.' },
  { id: 'image-path-case', summary: 'Image link differs from the file in letter case', failsCheck: true, help: 'Use the file\'s real name: the link is broken on case-sensitive file systems (Linux, CI, most web servers).' },
  { id: 'image-missing', summary: 'Image file not found', failsCheck: true, help: 'Fix the link or add the image: no file exists at that path, in any letter case.' },
];
export const RULE_IDS: readonly RuleId[] = RULES.map((r) => r.id);

export function isRuleId(v: string): v is RuleId {
  return (RULE_IDS as readonly string[]).includes(v);
}

/** Does a finding of this rule make `alt-text check` fail? */
export function failsCheck(rule: RuleId): boolean {
  return RULES.find((r) => r.id === rule)?.failsCheck ?? true;
}
