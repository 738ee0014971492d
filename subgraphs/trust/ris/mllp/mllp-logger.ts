/** The logging the MLLP layer needs: pino's Logger fits. Never given patient data. */
export interface MllpLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const noop = (): void => {};

/** A logger that drops everything (the default). */
export const silentLogger: MllpLogger = { debug: noop, info: noop, warn: noop, error: noop };
