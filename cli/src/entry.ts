// Where an app's entry module is: --entry, else `roll.entry` in package.json, else src/app.ts.
import { existsSync, readFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { CliError } from './errors.js'

/** The default entry module, relative to the app's root. */
export const DEFAULT_ENTRY = 'src/app.ts'

/** An app's entry module: its absolute path and how to show it (relative to the root). */
export interface Entry {
  path: string
  shown: string
}

/**
 * Resolves the entry module of the app in `root`: `flag` (from --entry) wins, then
 * `roll.entry` in the app's package.json, then `src/app.ts`. Throws a CliError when the
 * file does not exist.
 */
export function resolveEntry(root: string, flag?: string): Entry {
  const configured = flag ?? readRollEntry(root)
  const path = resolve(root, configured ?? DEFAULT_ENTRY)
  const shown = relative(root, path) || path
  if (!existsSync(path)) {
    const source = flag !== undefined ? '--entry' : configured !== undefined ? '"roll.entry" in package.json' : 'the default entry'
    throw new CliError(
      `Cannot find the app's entry module ${shown} (${source}).`,
      'Create it (it exports `app`), pass --entry <file>, or set "roll": { "entry": "<file>" } in package.json.',
    )
  }
  return { path, shown }
}

function readRollEntry(root: string): string | undefined {
  const file = join(root, 'package.json')
  if (!existsSync(file)) return undefined
  let manifest: { roll?: { entry?: unknown } }
  try {
    manifest = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    throw new CliError(`package.json is not valid JSON: ${(error as Error).message}`, 'Fix package.json and run the command again.')
  }
  const entry = manifest.roll?.entry
  if (entry === undefined) return undefined
  if (typeof entry !== 'string' || entry === '') {
    throw new CliError(`"roll.entry" in package.json must be a file path, got ${JSON.stringify(entry)}.`, 'Set it to e.g. "src/app.ts".')
  }
  return entry
}
