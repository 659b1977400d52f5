// logger: one line, `METHOD url`, per request.
import type { Roll } from '../index.js'

/** Anything with an `info` method: `console` (the default), pino, winston… */
export interface InfoLogger {
  info(message: string): unknown
}

/** Levels, least severe first; lines are logged at `info`. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const

/** Options of `logger`. */
export interface LoggerOptions {
  /** The least severe level logged, as Python's `logging`: above `'info'`, nothing is. Default `'debug'`. */
  level?: (typeof LOG_LEVELS)[number]
  /** Where lines go. Default `console`. */
  logger?: InfoLogger
}

/**
 * Passes `METHOD url` (the raw target, query included) of every request to `logger.info`,
 * when its head arrives (unknown paths and websocket upgrades included).
 * @example logger(app, { logger: pino() })
 */
export function logger(app: Roll, options: LoggerOptions = {}): void {
  const { level = 'debug', logger = console } = options
  if (!LOG_LEVELS.includes(level)) throw new RangeError(`logger(): unknown level '${level}'; use one of ${LOG_LEVELS.join(', ')}.`)
  if (typeof logger?.info !== 'function') throw new TypeError('logger(): `logger` must have an `info` method, as `console` does.')
  if (LOG_LEVELS.indexOf(level) > LOG_LEVELS.indexOf('info')) return
  app.listen('headers', (request) => { logger.info(`${request.method} ${request.url}`) })
}
