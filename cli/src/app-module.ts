// The app inside an entry module: its `app` export, or its default export.

/** What roll needs of an app: a Roll instance, as `serve` takes it. */
export interface AppLike {
  route: (...args: never[]) => unknown
  dispatch: (...args: never[]) => unknown
}

const isApp = (value: unknown): value is AppLike =>
  typeof value === 'object' && value !== null &&
  typeof (value as AppLike).route === 'function' && typeof (value as AppLike).dispatch === 'function'

/**
 * The Roll app exported by an entry module (`app`, else `default`). Throws a TypeError
 * naming the entry and what it exports when there is none.
 */
export function appFrom(module: Record<string, unknown>, entry: string): AppLike {
  const app = module.app ?? module.default
  if (isApp(app)) return app
  const names = Object.keys(module).filter((name) => name !== '__esModule')
  throw new TypeError(
    `${entry} must export a Roll app as \`app\` (or as its default export), but it exports ` +
      `${names.length > 0 ? names.map((name) => `\`${name}\``).join(', ') : 'nothing'}. ` +
      'Add `export const app = new Roll()` to it.',
  )
}
