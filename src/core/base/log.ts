/**
 * The core's logging interface. Fronts pass their own (the extension's LogOutputChannel, the CLI's stderr in verbose
 * mode). The core logs request metadata only: never the key, never image bytes or data URLs, never prompt bodies.
 */
export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const silentLogger: Logger = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

/** Wrap a logger so that every line has the given secrets removed, whatever the caller passed. */
export function redactingLogger(inner: Logger, redactFn: (s: string) => string): Logger {
  return {
    trace: (m) => inner.trace(redactFn(m)),
    debug: (m) => inner.debug(redactFn(m)),
    info: (m) => inner.info(redactFn(m)),
    warn: (m) => inner.warn(redactFn(m)),
    error: (m) => inner.error(redactFn(m)),
  };
}
