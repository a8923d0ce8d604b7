/** describe-image alt-text check|fix: the alt-text command. Imports: core (base, net, describe, docs, finders), cli/base (and core/nodeHttp). */
export * from './altText';
