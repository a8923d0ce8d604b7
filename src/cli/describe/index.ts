/** describe-image [options] <image...>: the describe command. Imports: core (base, net, images, describe, markdown), cli/base, cli/net. */
export * from './describe';
