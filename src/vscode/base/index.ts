/**
 * What every feature of the VS Code layer shares: command ids and errors turned into messages with actions, the log
 * channel (redacted), the key store over SecretStorage, the settings facade, the window functions (swappable in tests),
 * the result document, which images a command acts on, and the dependencies activation hands to every feature.
 * Loaded at activation: imports only the core's base.
 */
export * from './actions';
export * from './deps';
export * from './log';
export * from './resultDocument';
export * from './secrets';
export * from './settings';
export * from './targets';
export * from './tokenMemory';
export * from './ui';
