// Preloaded (node --require) into a CLI process a test starts, to count its worker threads: each Worker the process
// creates appends "start" to the file in WORKER_COUNT_LOG, and "exit" when its thread has ended. The test reads the
// file; started minus exited is the number of worker threads alive. Only the main thread counts (a worker runs the
// preloads too, and starts no workers of its own).
'use strict';
const fs = require('node:fs');
const threads = require('node:worker_threads');

const log = process.env.WORKER_COUNT_LOG;
if (log && threads.isMainThread) {
  const Base = threads.Worker;
  threads.Worker = class CountedWorker extends Base {
    constructor(...args) {
      super(...args);
      fs.appendFileSync(log, 'start\n');
      this.once('exit', () => fs.appendFileSync(log, 'exit\n'));
    }
  };
}
