/** describe-image alt-text check|fix: the alt-text command. Imports: core (base, net, describe, docs, finders), cli/base, cli/net. */
export * from './altText';
