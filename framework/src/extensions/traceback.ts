// traceback: prints the stack of the errors behind 500 responses on stderr.
import type { Roll } from '../index.js'

/**
 * Prints on stderr the stack (message included) of the original error of every 500
 * response: `error.cause` for an unexpected error, else the `HttpError` itself.
 * @example traceback(app)
 */
export function traceback(app: Roll): void {
  app.listen('error', (request, response, error) => {
    if (error.status !== 500) return
    const original = error.cause ?? error
    console.error(original instanceof Error ? original.stack ?? String(original) : `Thrown value: ${String(original)}`)
  })
}
