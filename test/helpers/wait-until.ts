// The one polling helper of the tests.

/**
 * Calls `check` every `every` ms until it returns a truthy value, and resolves with it.
 * Rejects after `timeout` ms naming `what`, with the last error `check` threw, if any.
 */
export async function waitUntil<T>(what: string, check: () => T | Promise<T>, timeout = 10_000, every = 20): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeout
  let lastError: unknown
  for (;;) {
    try {
      const value = await check()
      if (value) return value as NonNullable<T>
    } catch (error) {
      lastError = error
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`)
    await new Promise((resolve) => setTimeout(resolve, every))
  }
}
