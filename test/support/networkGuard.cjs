// Preloaded (node --require) into every CLI process the tests start: the process may connect to loopback only.
// Any other address — the internet, the cloud instance-metadata address 169.254.169.254 that credential libraries
// probe, a LAN — fails at once, and the attempt is appended to the file in NETWORK_GUARD_LOG, which the tests read:
// a test that expects no outside connection asserts the file stays empty.
'use strict';
const net = require('node:net');
const dns = require('node:dns');
const fs = require('node:fs');

const log = process.env.NETWORK_GUARD_LOG;
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost|::ffff:127\.\d+\.\d+\.\d+)$/i;

function record(what) {
  if (log) fs.appendFileSync(log, `${what}\n`);
  const e = new Error(`network guard: ${what} is not loopback; tests never leave this machine`);
  e.code = 'ENETUNREACH';
  return e;
}

const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
  const first = args[0];
  const options = typeof first === 'object' && first !== null && !Array.isArray(first) ? first : { port: first, host: typeof args[1] === 'string' ? args[1] : 'localhost' };
  const host = options.path ? 'localhost' : String(options.host ?? 'localhost');
  if (!options.path && !LOOPBACK.test(host)) {
    const error = record(`connect ${host}:${options.port}`);
    process.nextTick(() => this.destroy(error));
    return this;
  }
  return connect.apply(this, args);
};

const lookup = dns.lookup;
dns.lookup = function guardedLookup(hostname, options, callback) {
  const cb = typeof options === 'function' ? options : callback;
  if (!LOOPBACK.test(String(hostname))) {
    const error = record(`dns ${hostname}`);
    error.code = 'ENOTFOUND';
    process.nextTick(() => cb(error));
    return {};
  }
  return lookup.call(this, hostname, options, callback);
};
