/** describe-image [options] <image...>: the describe command. Imports: core (base, net, images, describe, markdown), cli/base (and core/nodeHttp). */
export * from './describe';
