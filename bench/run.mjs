// `npm run bench`: every benchmark of the project, one after the other. Each compares
// side by side in one run; pass `--only framework` (or dispatch, http-in-process, instructions, router, scaffold, dev-loop, websocket-memory, pubsub) to run one.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined
const benches = ['dispatch', 'http-in-process', 'instructions', 'router', 'framework', 'scaffold', 'dev-loop', 'websocket-memory', 'pubsub'].filter((name) => !only || name === only)
let failed = false
for (const name of benches) {
  const file = fileURLToPath(new URL(`./${name}.mjs`, import.meta.url))
  if (!existsSync(file)) continue
  console.log(`\n=== bench/${name}.mjs`)
  const { status } = spawnSync(process.execPath, [file], { stdio: 'inherit' })
  failed ||= status !== 0
}
process.exitCode = failed ? 1 : 0
