// A Router filled from a table, and what it answers as [payload, vars]: for the router's
// own tests (router.test.ts, router-edge.test.ts).
import { Router } from '@roll/framework'

export type Data = Record<string, unknown>

/** A Router with each [path, data] of `table` added, in order (each data copied). */
export function routes(...table: Array<[string, Data]>): Router<Data> {
  const router = new Router<Data>()
  for (const [path, data] of table) router.add(path, { ...data })
  return router
}

/** `[payload, vars]` of the route matching `path`, or `[null, null]`. */
export const match = (router: Router<Data>, path: string) => {
  const found = router.match(path)
  return found === null ? [null, null] : [found.payload, found.vars]
}
