// The dev loop, measured: edit → first response with the new code, for `roll dev`,
// `tsx watch` and `node --watch` side by side in one run (interleaved rounds), with the
// requests a polling client saw fail; then the cold start of the built bundle
// (`node dist/server.mjs`) against running the same app with `tsx`, and the start of
// `roll dev` against `node --watch`.
//
//   node bench/dev-loop.mjs [--rounds 15] [--gap 1000] [--cold-rounds 10] [--cold-only]
//
// Each tool runs a copy of templates/basic (node --watch a JavaScript copy of it, made
// with esbuild's transform, since Node 20 cannot run TypeScript). Between two edits each
// tool idles `--gap` ms, as a developer would between saves.
import { spawn } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { createServer } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import { transformSync } from 'esbuild'

const { values: options } = parseArgs({
  options: {
    rounds: { type: 'string', default: '15' },
    gap: { type: 'string', default: '1000' },
    'cold-rounds': { type: 'string', default: '10' },
    'cold-only': { type: 'boolean', default: false },
  },
})
const ROUNDS = Number(options.rounds)
const GAP = Number(options.gap)
const COLD_ROUNDS = Number(options['cold-rounds'])
const TIMEOUT = 15_000

const repo = fileURLToPath(new URL('../', import.meta.url))
const rollBin = path.join(repo, 'cli', 'bin', 'roll.js')
const tsxBin = path.join(repo, 'node_modules', 'tsx', 'dist', 'cli.mjs')
const template = path.join(repo, 'templates', 'basic')
const temps = []
const children = new Set()

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

// A copy of the basic template whose node_modules links this checkout's framework.
function appCopy() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'roll-bench-'))
  temps.push(dir)
  for (const name of ['src', 'package.json', 'tsconfig.json']) cpSync(path.join(template, name), path.join(dir, name), { recursive: true })
  mkdirSync(path.join(dir, 'node_modules', '@roll'), { recursive: true })
  symlinkSync(path.join(repo, 'framework'), path.join(dir, 'node_modules', '@roll', 'framework'), 'dir')
  return dir
}

// The same app as JavaScript, for node --watch.
function javascriptCopy(dir) {
  const names = readdirSync(path.join(dir, 'src')).filter((file) => file.endsWith('.ts')).map((file) => file.slice(0, -3))
  for (const name of names) {
    const source = readFileSync(path.join(dir, 'src', `${name}.ts`), 'utf8')
    let { code } = transformSync(source, { loader: 'ts', format: 'esm', target: 'node20' })
    for (const other of names) code = code.replaceAll(`'./${other}.js'`, `'./${other}.mjs'`).replaceAll(`"./${other}.js"`, `"./${other}.mjs"`)
    writeFileSync(path.join(dir, 'src', `${name}.mjs`), code)
  }
}

function freePort() {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })
}

function start(command, args, cwd, env = {}) {
  const child = spawn(command, args, { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['pipe', 'pipe', 'pipe'] })
  child.stdout.resume()
  child.stderr.resume()
  children.add(child)
  child.once('exit', () => children.delete(child))
  return child
}

async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
  await exited
  clearTimeout(timer)
}

function get(url, agent = false) {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk) => (text += chunk))
      res.on('end', () => resolve({ status: res.statusCode, text }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

async function waitFor200(url, timeout = TIMEOUT) {
  const deadline = performance.now() + timeout
  for (;;) {
    try {
      if ((await get(url)).status === 200) return
    } catch {}
    if (performance.now() > deadline) throw new Error(`no 200 from ${url} within ${timeout} ms`)
    await sleep(2)
  }
}

// Two clients polling back to back (one keep-alive connection, one connection per
// request) until `done`; `firstWith(text)` resolves at the first response containing it.
function poll(url) {
  let running = true
  let failed = 0
  let waiting
  const seen = (text) => {
    if (waiting !== undefined && text.includes(waiting.marker)) {
      waiting.resolve(performance.now())
      waiting = undefined
    }
  }
  const loop = async (agent) => {
    while (running) {
      try {
        const reply = await get(url, agent)
        if (reply.status === 200) seen(reply.text)
        else failed++
      } catch {
        failed++
        // A refused connection fails at once: do not spin the CPU the tools need.
        await sleep(1)
      }
    }
  }
  const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 })
  const loops = [loop(keepAlive), loop(false)]
  return {
    firstWith: (marker) => new Promise((resolve) => (waiting = { marker, resolve })),
    async done() {
      running = false
      await Promise.all(loops)
      keepAlive.destroy()
      return failed
    },
  }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length / 2
  return sorted.length % 2 ? sorted[Math.floor(middle)] : (sorted[middle - 1] + sorted[middle]) / 2
}
const quantile = (values, q) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))]
const fmt = (ms) => `${ms.toFixed(0)} ms`

async function devLoop() {
  const tools = [
    { name: 'roll dev', file: 'src/app.ts', run: (dir, port) => start(process.execPath, [rollBin, 'dev', '--port', String(port)], dir) },
    { name: 'tsx watch', file: 'src/app.ts', run: (dir, port) => start(process.execPath, [tsxBin, 'watch', '--clear-screen=false', 'src/main.ts'], dir, { PORT: String(port) }) },
    { name: 'node --watch', file: 'src/app.mjs', run: (dir, port) => start(process.execPath, ['--watch', '--no-warnings', 'src/main.mjs'], dir, { PORT: String(port) }) },
  ]
  for (const tool of tools) {
    tool.dir = appCopy()
    if (tool.file.endsWith('.mjs')) javascriptCopy(tool.dir)
    tool.port = await freePort()
    tool.url = `http://127.0.0.1:${tool.port}/hello/bench`
    tool.child = tool.run(tool.dir, tool.port)
    tool.source = readFileSync(path.join(tool.dir, tool.file), 'utf8')
    tool.times = []
    tool.failed = []
  }
  await Promise.all(tools.map((tool) => waitFor200(tool.url)))
  await sleep(GAP)
  console.log(`edit → first response with the new code: ${ROUNDS} rounds (after 1 warm-up), tools interleaved, ${GAP} ms between edits`)
  for (let round = 0; round <= ROUNDS; round++) {
    // Rotate the order so no tool always follows another one's restart.
    for (let index = 0; index < tools.length; index++) {
      const tool = tools[(index + round) % tools.length]
      const marker = `round ${round}`
      const edited = tool.source.replace(/(Hello \$\{parameter\})/, `$1 ${marker}`)
      if (edited === tool.source) throw new Error(`cannot find the hello route in ${tool.file}`)
      const poller = poll(tool.url)
      await sleep(50)
      const seen = poller.firstWith(marker)
      const editedAt = performance.now()
      writeFileSync(path.join(tool.dir, tool.file), edited)
      const first = await Promise.race([seen, sleep(TIMEOUT).then(() => undefined)])
      // Keep polling while the tool settles (tsx and node restart the whole process).
      await sleep(300)
      const failed = await poller.done()
      if (round > 0) {
        tool.times.push(first === undefined ? TIMEOUT : first - editedAt)
        tool.failed.push(failed)
      }
      await sleep(GAP)
    }
  }
  await Promise.all(tools.map((tool) => stop(tool.child)))
  const roll = median(tools[0].times)
  console.log('')
  console.log('tool           median   p25–p75 (min–max)              failed requests (total, per edit)  vs roll dev')
  for (const tool of tools) {
    const m = median(tool.times)
    const failed = tool.failed.reduce((a, b) => a + b, 0)
    console.log(
      `${tool.name.padEnd(13)}  ${fmt(m).padStart(7)}  ${`${fmt(quantile(tool.times, 0.25))}–${fmt(quantile(tool.times, 0.75))} (${fmt(Math.min(...tool.times))}–${fmt(Math.max(...tool.times))})`.padEnd(31)}` +
        `${String(failed).padStart(6)}, ${(failed / tool.times.length).toFixed(1).padStart(6)}                   ${tool === tools[0] ? '' : `${(m / roll).toFixed(1)}× slower`}`,
    )
  }
  return tools
}

async function coldStart() {
  const dir = appCopy()
  const build = start(process.execPath, [rollBin, 'build'], dir)
  const code = await new Promise((resolve) => build.once('exit', resolve))
  if (code !== 0) throw new Error('roll build failed')
  javascriptCopy(dir)
  const runs = [
    { name: 'node dist/server.mjs', args: ['dist/server.mjs'], times: [] },
    { name: 'tsx src/main.ts', args: [tsxBin, 'src/main.ts'], times: [] },
    // The dev loops' own start, the goal being roll dev within 250 ms.
    { name: 'roll dev', args: [rollBin, 'dev'], times: [] },
    { name: 'node --watch', args: ['--watch', '--no-warnings', 'src/main.mjs'], times: [] },
  ]
  for (let round = 0; round <= COLD_ROUNDS; round++) {
    for (let index = 0; index < runs.length; index++) {
      const run = runs[(index + round) % runs.length]
      const port = await freePort()
      const startedAt = performance.now()
      const child = start(process.execPath, run.args, dir, { PORT: String(port) })
      await waitFor200(`http://127.0.0.1:${port}/hello/bench`)
      if (round > 0) run.times.push(performance.now() - startedAt)
      await stop(child)
    }
  }
  console.log('')
  console.log(`cold start, spawn → first 200: ${COLD_ROUNDS} rounds (after 1 warm-up), interleaved`)
  for (const run of runs) {
    console.log(`${run.name.padEnd(22)}  median ${fmt(median(run.times)).padStart(7)}  p25–p75 ${fmt(quantile(run.times, 0.25))}–${fmt(quantile(run.times, 0.75))}`)
  }
  console.log(`tsx / built bundle: ${(median(runs[1].times) / median(runs[0].times)).toFixed(1)}×; roll dev / node --watch: ${(median(runs[2].times) / median(runs[3].times)).toFixed(2)}×`)
}

try {
  console.log(`node ${process.version}, ${os.availableParallelism()} CPUs, ${os.cpus()[0]?.model ?? ''}`)
  if (!options['cold-only']) {
    const tools = await devLoop()
    const roll = median(tools[0].times)
    console.log(`\nroll dev is ${(median(tools[1].times) / roll).toFixed(1)}× faster than tsx watch and ${(median(tools[2].times) / roll).toFixed(1)}× faster than node --watch (medians)`)
  }
  await coldStart()
} finally {
  await Promise.all([...children].map(stop))
  for (const dir of temps) rmSync(dir, { recursive: true, force: true })
}
