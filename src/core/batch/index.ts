/**
 * Alt text through the provider's Batch API (Azure OpenAI global batch, OpenAI): the requests of an alt-text run as
 * JSONL (the same bodies the interactive run sends), split at the service's limits; the files and batches endpoints
 * (upload, create, status, cancel, download resumed); the job saved in the repository; the result files read.
 * Imports: base, net, describe, docs.
 */
export * from './api';
export * from './input';
export * from './results';
export * from './state';
