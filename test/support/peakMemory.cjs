// Preloaded (node --require) into a CLI process a test measures: when the process exits, its peak resident memory
// (process.resourceUsage().maxRSS, in kilobytes, the same number `/usr/bin/time -v` reports) is written to the file in
// PEAK_MEMORY_LOG. The peak of the process itself, so it does not depend on what else the machine is doing.
'use strict';
const fs = require('node:fs');

const log = process.env.PEAK_MEMORY_LOG;
if (log) process.on('exit', () => fs.writeFileSync(log, String(process.resourceUsage().maxRSS)));
