import { type Logger, pino } from 'pino';
import pretty from 'pino-pretty';

export type LogFormat = 'text' | 'json';

/** Logs go to stderr: plain lines by default, JSON (one object a line) with --log-format json. */
export function makeLogger(format: LogFormat, level = process.env.SADDLESCOPE_LOG_LEVEL ?? 'info'): Logger {
  if (format === 'json') {
    const log = pino({ level, base: undefined }, pino.destination({ fd: 2, sync: true }));
    jsonLoggers.add(log);
    return log;
  }
  return pino(
    { level, base: undefined },
    pretty({
      destination: 2,
      sync: true,
      colorize: false,
      translateTime: 'SYS:HH:MM:ss',
      ignore: 'pid,hostname',
    }),
  );
}

const jsonLoggers = new WeakSet<Logger>();

/** Whether a logger writes JSON lines (then numbers go in fields, not in the message). */
export const isJsonLogger = (log: Logger): boolean => jsonLoggers.has(log);
