/**
 * What every CLI command shares: the process's I/O, configuration from flags and environment (endpoint, provider,
 * credentials, secrets to hide), hints in the CLI's own terms, and writing --out files without overwriting.
 * Imports: core (base, net, nodeHttp).
 */
export * from './config';
export * from './io';
export * from './output';
