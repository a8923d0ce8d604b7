/**
 * Shared basics of the core, imported by every other part and importing none: typed errors and redaction, the
 * logging interface, reading untyped JSON, the settings model (what a request needs, normalised and validated), the
 * `detail` levels and the default prompts. Pure code: no Node built-ins, so the paste panel's webview can use it too.
 */
export * from './altTextLimits';
export * from './altTextRules';
export * from './detail';
export * from './docLanguages';
export * from './errors';
export * from './imageTypes';
export * from './json';
export * from './log';
export * from './prompts';
export * from './settings';
export * from './toolNames';
