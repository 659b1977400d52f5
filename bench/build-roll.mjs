// Builds bench/servers/roll-app.mjs with `roll build`, as a user ships an app, for
// servers/roll-built.mjs; sets ROLL_BUILT, which the server processes inherit.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))

/** What the reports' two Roll columns are. */
export const ROLL_COLUMNS = "roll: served from the workspace; built: bundled by roll build, with roll start's bootstrap (its health check is a headers listener)"

/** Runs `roll build` into a temporary folder; returns the bundle's path and a function that removes it. */
export function buildRoll() {
  const dir = mkdtempSync(join(tmpdir(), 'roll-bench-built-'))
  const outfile = join(dir, 'server.mjs')
  execFileSync(process.execPath, [join(root, 'cli/bin/roll.js'), 'build', '--entry', 'bench/servers/roll-app.mjs', '--outfile', outfile], { cwd: root, stdio: 'ignore' })
  process.env.ROLL_BUILT = outfile
  return { outfile, remove: () => rmSync(dir, { recursive: true, force: true }) }
}
