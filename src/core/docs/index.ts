/**
 * Alt text for documentation: which files a run reads, reading them (UTF-8 only), the rules and their findings,
 * links resolved inside the root, edits escaped per syntax and read back before an atomic write, generating alt text
 * with the describe engine (cache, concurrency, rate limits), fix plans, and reports (text, JSON, SARIF, GitHub).
 * Imports: base, net, images, describe, finders, markdown.
 */
export * from './altCache';
export * from './altContext';
export * from './altRequest';
export * from './check';
export * from './components';
export * from './docRules';
export * from './edits';
export * from './encoding';
export * from './files';
export * from './fix';
export * from './generate';
export * from './judge';
export * from './links';
export * from './longDescription';
export * from './pages';
export * from './purpose';
export * from './report';
export * from './rules';
export * from './verify';
export * from './write';
