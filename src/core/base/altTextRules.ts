/** The alt-text rules by name, with what each means and what to do about it (the checks themselves: core/docs). */

export const DEFAULT_ALT_MAX_LENGTH = 125;

export type RuleId = 'alt-missing' | 'alt-uninformative' | 'alt-too-long' | 'image-path-case' | 'image-missing';

export interface RuleInfo {
  readonly id: RuleId;
  readonly summary: string;
  /** What to do about it (SARIF help, README). */
  readonly help: string;
}

export const RULES: readonly RuleInfo[] = [
  { id: 'alt-missing', summary: 'Image without alt text', help: 'Add alt text that says what the image shows (markdownlint MD045); alt text of only spaces is none. Mark purely decorative HTML images with alt="".' },
  { id: 'alt-uninformative', summary: 'Alt text that says nothing', help: 'Replace a file name, a slug or a generic word ("image", "screenshot", "logo") by what the image shows.' },
  { id: 'alt-too-long', summary: 'Alt text over the maximum length', help: 'Keep alt text to one concise sentence; put longer explanations in the text or a caption.' },
  { id: 'image-path-case', summary: 'Image link differs from the file in letter case', help: 'Use the file\'s real name: the link is broken on case-sensitive file systems (Linux, CI, most web servers).' },
  { id: 'image-missing', summary: 'Image file not found', help: 'Fix the link or add the image: no file exists at that path, in any letter case.' },
];
export const RULE_IDS: readonly RuleId[] = RULES.map((r) => r.id);

export function isRuleId(v: string): v is RuleId {
  return (RULE_IDS as readonly string[]).includes(v);
}
