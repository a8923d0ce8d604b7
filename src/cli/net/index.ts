/**
 * How the CLI reaches the network (the extension uses VS Code's own fetch instead): undici with an explicit dispatcher
 * per client — HTTPS_PROXY/HTTP_PROXY and NO_PROXY honoured, loopback always direct, NODE_EXTRA_CA_CERTS — and a hard
 * deadline on every request. Never the process-wide dispatcher.
 * Imports: core (base, net).
 */
export * from './dispatcher';
