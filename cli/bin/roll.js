#!/usr/bin/env node
// roll dev's first worker boots Node while the CLI loads (see src/dev/standby.ts).
import { statSync } from 'node:fs'

const [command, ...rest] = process.argv.slice(2)
let standby
if (command === 'dev' && !rest.some((arg) => /^(-h|--help|-v|--version)$/.test(arg))) {
  try {
    standby = await import('../dist/dev/standby.js')
    standby.forkEarly()
  } catch {
    // roll dev forks its worker itself, and reports what went wrong.
  }
}
// The CLI in one file (scripts/bundle.mjs), unless a `tsc -b` since has left it stale.
const built = (file) => statSync(new URL(file, import.meta.url), { throwIfNoEntry: false })?.mtimeMs ?? 0
const { main } = await import(built('../dist/roll.bundle.mjs') >= built('../tsconfig.tsbuildinfo') ? '../dist/roll.bundle.mjs' : '../dist/main.js')

process.exitCode = await main(process.argv.slice(2))
// A roll dev that stopped before taking its first worker (a bad option) lets it go.
standby?.takeEarlyStandby()?.worker.kill()
