/**
 * What every CLI command shares: the process's I/O, flags read and refused in the CLI's words, configuration from
 * flags and environment (endpoint, provider, credentials, secrets to hide), hints in the CLI's own terms, how a
 * command fails (stderr, and JSON on stdout with --json), the waiting line on a terminal, and writing --out files
 * without overwriting. Imports: core (base, net, nodeHttp, markdown).
 */
export * from './args';
export * from './config';
export * from './hints';
export * from './io';
export * from './output';
export * from './report';
export * from './waiting';
