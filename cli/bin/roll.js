#!/usr/bin/env node
// roll dev's first worker boots Node while the CLI loads (see src/dev/standby.ts).
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
const { main } = await import('../dist/main.js')

process.exitCode = await main(process.argv.slice(2))
// A roll dev that stopped before taking its first worker (a bad option) lets it go.
standby?.takeEarlyStandby()?.worker.kill()
