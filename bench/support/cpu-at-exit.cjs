// Preloaded (node -r) into the processes the OCR bench section times as a whole: at exit, prints on stderr the CPU
// time the process used (every thread: the OCR worker threads too) and its peak resident memory, as one line
// `cpu-at-exit {"cpuMs":…,"peakRssMb":…}`. On a shared, busy machine the CPU time moves far less than the wall time.
// The peak is Linux's VmHWM (this program's own); getrusage's maxRSS would carry over the spawning parent's peak.
'use strict';
const { readFileSync } = require('node:fs');

process.on('exit', () => {
  const { userCPUTime, systemCPUTime, maxRSS } = process.resourceUsage();
  let peakKb = maxRSS;
  try {
    peakKb = Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? maxRSS);
  } catch {
    // not Linux: getrusage's figure
  }
  process.stderr.write(`\ncpu-at-exit ${JSON.stringify({ cpuMs: Math.round((userCPUTime + systemCPUTime) / 1000), peakRssMb: Math.round(peakKb / 1024) })}\n`);
});
