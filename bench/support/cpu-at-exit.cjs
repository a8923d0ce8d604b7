// Preloaded (node -r) into the processes the OCR bench section times as a whole: at exit, prints on stderr the CPU
// time the process used (every thread: the OCR worker threads too) and its peak resident memory, as one line
// `cpu-at-exit {"cpuMs":…,"maxRssMb":…}`. On a shared, busy machine the CPU time moves far less than the wall time.
'use strict';
process.on('exit', () => {
  const { userCPUTime, systemCPUTime, maxRSS } = process.resourceUsage();
  process.stderr.write(`\ncpu-at-exit ${JSON.stringify({ cpuMs: Math.round((userCPUTime + systemCPUTime) / 1000), maxRssMb: Math.round(maxRSS / 1024) })}\n`);
});
