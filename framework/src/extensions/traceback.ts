// traceback: prints the stack of the errors behind 500 responses on stderr.
import type { Roll } from '../index.js'

/** Set to true on an app whose errors `traceback` prints: `app[TRACEBACK]`. */
export const TRACEBACK = Symbol.for('roll.traceback')

/**
 * Prints on stderr the stack (message included) of the original error of every 500
 * response: `error.cause` for an unexpected error, else the `HttpError` itself.
 * @example traceback(app)
 */
export function traceback(app: Roll): void {
  // So that a server can tell whether stacks are printed (roll's production server says so once when they are not).
  Object.defineProperty(app, TRACEBACK, { value: true })
  app.listen('error', (request, response, error) => {
    if (error.status !== 500) return
    const original = error.cause ?? error
    console.error(original instanceof Error ? original.stack ?? String(original) : `Thrown value: ${String(original)}`)
  })
}
