// Scaffolding time without install: the scaffold() call in-process for every template,
// and the whole `roll create` process (node start-up included), as users feel it.
// Medians of N runs. Usage: node bench/scaffold.mjs [runs]   (needs the build: npm run build)
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { performance } from 'node:perf_hooks'

const runs = Number(process.argv[2] ?? 20)
const rollBin = fileURLToPath(new URL('../cli/bin/roll.js', import.meta.url))
const { scaffold, TEMPLATES } = await import(new URL('../cli/dist/scaffold.js', import.meta.url).href)

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
const format = (ms) => `${ms.toFixed(ms < 10 ? 2 : 0)} ms`

const work = mkdtempSync(path.join(os.tmpdir(), 'roll-bench-scaffold-'))
const rows = []
try {
  for (const { name } of TEMPLATES) {
    const times = []
    // One warm-up run: the first read of the template pays the disk cache.
    for (let run = 0; run <= runs; run++) {
      const root = path.join(work, `${name}-${run}`)
      const started = performance.now()
      await scaffold({ root, template: name })
      if (run > 0) times.push(performance.now() - started)
    }
    rows.push([`scaffold() ${name}`, times])
  }

  const times = []
  for (let run = 0; run < Math.max(5, Math.round(runs / 2)); run++) {
    const root = path.join(work, `cli-${run}`)
    const started = performance.now()
    const result = spawnSync(process.execPath, [rollBin, 'create', root, '--template', 'basic', '--no-install'], {
      env: { ...process.env, CI: '1' },
      encoding: 'utf8',
    })
    times.push(performance.now() - started)
    if (result.status !== 0) throw new Error(`roll create failed: ${result.stderr}`)
  }
  rows.push(['roll create (whole process, basic)', times])
} finally {
  rmSync(work, { recursive: true, force: true })
}

console.log(`Scaffolding without install, median of ${runs} runs (process: ${rows.at(-1)[1].length}):`)
for (const [label, times] of rows) {
  console.log(`  ${label.padEnd(40)} ${format(median(times)).padStart(9)}   (min ${format(Math.min(...times))}, max ${format(Math.max(...times))})`)
}
