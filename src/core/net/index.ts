/**
 * Networking: the chat-completions client and everything on the wire — how a request proves who sends it (API key,
 * Entra ID token, bearer key), the request body, reading answers and error bodies, streamed answers (SSE), and the
 * transport they travel by (a WHATWG fetch; the CLI passes its own undici transport from core/nodeHttp).
 * Imports: base.
 */
export * from './auth';
export * from './client';
export * from './request';
export * from './response';
export * from './stream';
export * from './transport';
export { deploymentKey, errorCode, formatDuration, InMemoryTokenParamMemory, type TokenParamMemory } from './attempts';
