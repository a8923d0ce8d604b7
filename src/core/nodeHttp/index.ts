/**
 * HTTP from plain Node, outside VS Code's network stack: undici with an explicit dispatcher per client (never the
 * process-wide one) — HTTPS_PROXY/HTTP_PROXY and NO_PROXY honoured, a server on this machine always reached direct,
 * NODE_EXTRA_CA_CERTS — and a hard deadline on every request. The CLI's transport; the extension's for a server on
 * this machine only (VS Code's stack sends only localhost and 127.0.0.1 direct), loaded then.
 * Imports: base, net.
 */
export * from './dispatcher';
export * from './transport';
