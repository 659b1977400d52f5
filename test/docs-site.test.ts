// The documentation site (docs/) as a reader meets it: every TypeScript block type-checks
// against the packages, and every block marked runnable runs and answers as the page shows.
//
// The convention (also in docs/CONTRIBUTING.md):
// - Every ```ts block of docs/**/*.md is type-checked, all of them in one `tsc` run, each
//   as its own module. Fragments may use what the PRELUDE below declares (`app`, `expect`…);
//   a block's own imports and declarations win over it.
// - A block whose info string has the word `run` (```ts run, or ```ts [src/app.ts] run) is
//   runnable. The next fenced block of the page (file blocks aside) must be a ```sh block of `$ ` command lines,
//   each followed by the output the page shows for it. The test starts the sample with
//   `node --import tsx` (a sample that serves nothing itself but exports `app` is served with
//   `simpleServer`), runs each command, and checks that every non-blank line shown appears in
//   the command's output, in that order (so a page may leave out the `Date` header).
// - A block whose info string is `[path] file` (```txt [public/hello.txt] file) is written at
//   that path in the folder the samples run in, for samples that read files.
// - A ```ts block titled [test/<name>.test.ts] is a test of the app of its page (the last
//   [src/app.ts] block before it): all of them run in one vitest run, each beside its app.
// - Pages show port 3579; the test runs each sample on a free port: `:3579` in the commands,
//   and a listen on 3579 in the sample (a preload maps it), become that port.
// - Commands show what a terminal shows: `http` (HTTPie) runs with `--ignore-stdin
//   --pretty=format --print=hb` (headers sorted, JSON indented, no colours), `curl` with `-sS`
//   (no progress meter).
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { connect, createServer } from 'node:net'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startRedis } from './helpers/redis.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const docs = join(root, 'docs')
// Inside node_modules, so that '@roll/*' resolve as they do for an app.
const work = join(root, 'node_modules/.docs-check')

const PRELUDE = `import type * as Framework from '@roll/framework'
declare global {
  const app: Framework.Roll
  type Roll = Framework.Roll
  const Roll: typeof Framework.Roll
  type Query = Framework.Query
  const Query: typeof Framework.Query
  const expect: typeof import('vitest').expect
  interface Connection { registerTypes(): void }
  interface PoolOptions { dbname: string }
  const connection: Connection
  function connect(options: PoolOptions): Promise<Connection>
  function dbPool(app: Framework.Roll, options: PoolOptions): void
}
export {}
`

// Maps a listen on the port the page shows to the free port the test picked.
const PORT_PRELOAD = `import net from 'node:net'
const port = Number(process.env.DOCS_PORT)
const listen = net.Server.prototype.listen
net.Server.prototype.listen = function (...args) {
  if (args[0] === 3579 || args[0] === '3579') args[0] = port
  else if (args[0] && typeof args[0] === 'object' && Number(args[0].port) === 3579) args[0] = { ...args[0], port }
  return listen.apply(this, args)
}
`

export interface Block {
  file: string
  line: number
  lang: string
  meta: string
  code: string
}

/** The fenced blocks of a Markdown text; a fence of more backticks holds shorter ones as text. */
export function fencedBlocks(file: string, text: string): Block[] {
  const blocks: Block[] = []
  const lines = text.split('\n')
  for (let index = 0; index < lines.length; index++) {
    const open = /^(`{3,})(\w*)\s*(.*)$/.exec(lines[index]!)
    if (!open) continue
    const fence = open[1]!
    const body: string[] = []
    let end = index + 1
    while (end < lines.length && !(lines[end]!.startsWith(fence) && lines[end]!.trim() === fence)) body.push(lines[end++]!)
    blocks.push({ file, line: index + 1, lang: open[2]!, meta: open[3]!.trim(), code: body.join('\n') })
    index = end
  }
  return blocks
}

const isTs = (block: Block) => block.lang === 'ts' || block.lang === 'typescript'
const isRunnable = (block: Block) => isTs(block) && /(^|\s)run(\s|$)/.test(block.meta)
const isFile = (block: Block) => /(^|\s)file(\s|$)/.test(block.meta)

export interface Command {
  command: string
  expected: string[]
}

/** The `$ ` commands of a shell block, each with the output lines shown under it. */
export function commandsOf(block: Block): Command[] {
  const commands: Command[] = []
  for (const line of block.code.split('\n')) {
    if (line.startsWith('$ ')) commands.push({ command: line.slice(2).trim(), expected: [] })
    else if (line.trim() && commands.length) commands.at(-1)!.expected.push(line.trimEnd())
  }
  return commands
}

/** The first line of `expected` missing from `actual` (in order), or undefined when all are there. */
export function missingLine(expected: string[], actual: string): string | undefined {
  const lines = actual.split(/\r?\n/).map((line) => line.trimEnd())
  let at = 0
  for (const line of expected) {
    const found = lines.indexOf(line, at)
    if (found === -1) return line
    at = found + 1
  }
  return undefined
}

async function markdownFiles(folder: string): Promise<string[]> {
  const files: string[] = []
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    if (['node_modules', '.vitepress', 'public', 'scripts'].includes(entry.name)) continue
    const path = join(folder, entry.name)
    if (entry.isDirectory()) files.push(...await markdownFiles(path))
    else if (entry.name.endsWith('.md')) files.push(path)
  }
  return files
}

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  server.close()
  return port
}

async function accepts(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => { socket.destroy(); done(true) })
    socket.once('error', () => done(false))
  })
}

function run(command: string, cwd: string, env: NodeJS.ProcessEnv, timeout = 10_000): Promise<string> {
  return new Promise((done) => {
    execFile('sh', ['-c', command], { cwd, env, timeout, encoding: 'utf8' }, (error, stdout, stderr) => {
      done(`${stdout}\n${stderr}${error && !stdout ? `\n(${error.message})` : ''}`)
    })
  })
}

const slug = (block: Block) => `${relative(docs, block.file).replace(/\.md$/, '').replace(/[^\w]+/g, '-')}-${block.line}`
const where = (block: Block) => `${relative(root, block.file)}:${block.line}`

/**
 * Runs a runnable block and the commands of its shell block; resolves to what went
 * wrong (empty when the page is right).
 */
export async function checkSample(sample: Block, shell: Block | undefined, folder: string): Promise<string[]> {
  const commands = shell && shell.lang === 'sh' ? commandsOf(shell) : []
  if (!commands.length) return [`${where(sample)}: a runnable block must be followed by a \`\`\`sh block of "$ " commands and their output`]
  const name = slug(sample)
  await writeFile(join(folder, `${name}.ts`), sample.code)
  let entry = `${name}.ts`
  if (!/\b(simpleServer|serve)\(/.test(sample.code)) {
    // An app module, as roll dev serves it.
    entry = `${name}.main.ts`
    await writeFile(join(folder, entry), `import { simpleServer } from '@roll/framework/extensions'\nimport * as mod from './${name}.ts'\nconst app = (mod as any).app ?? (mod as any).default\nawait simpleServer(app)\n`)
  }
  const port = await freePort()
  const env = { ...process.env, DOCS_PORT: String(port), PORT: String(port), NO_COLOR: '1', FORCE_COLOR: '0' }
  let output = ''
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', '--import', './port-preload.mjs', entry], { cwd: folder, env, stdio: ['ignore', 'pipe', 'pipe'] })
  child.stdout!.on('data', (chunk) => { output += chunk })
  child.stderr!.on('data', (chunk) => { output += chunk })
  const exited = once(child, 'exit')
  const problems: string[] = []
  try {
    const deadline = Date.now() + 15_000
    while (!(await accepts(port))) {
      if (child.exitCode !== null || Date.now() > deadline) {
        return [`${where(sample)}: the sample did not listen on port 3579 (${child.exitCode === null ? 'timed out' : `exited with ${child.exitCode}`}):\n${output}`]
      }
      await new Promise((wait) => setTimeout(wait, 50))
    }
    for (const { command, expected } of commands) {
      const actual = command.replace(/:3579\b/g, `:${port}`)
        .replace(/^http(s?) /, 'http$1 --ignore-stdin --pretty=format --print=hb ')
        .replace(/^curl /, 'curl -sS ')
      const answer = await run(actual, folder, env)
      const missing = missingLine(expected, answer)
      if (missing !== undefined) problems.push(`${where(shell!)}: \`${command}\` did not show "${missing}"; it showed:\n${answer}`)
    }
  } finally {
    if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGTERM')
    const killer = setTimeout(() => child.pid && child.exitCode === null && process.kill(child.pid, 'SIGKILL'), 5_000)
    await exited
    clearTimeout(killer)
  }
  return problems
}

async function prepare(folder: string) {
  await rm(folder, { recursive: true, force: true })
  await mkdir(folder, { recursive: true })
  await writeFile(join(folder, 'package.json'), '{ "type": "module", "private": true }\n')
  await writeFile(join(folder, 'port-preload.mjs'), PORT_PRELOAD)
}

let blocks: Block[] = []
beforeAll(async () => {
  for (const file of await markdownFiles(docs)) blocks.push(...fencedBlocks(file, await readFile(file, 'utf8')))
})
afterAll(async () => {
  await rm(work, { recursive: true, force: true })
})

describe('docs/ samples', () => {
  it('type-checks every ```ts block against the packages, in one tsc run', async () => {
    const folder = join(work, 'types')
    await prepare(folder)
    const files: string[] = []
    for (const block of blocks.filter(isTs)) {
      const file = `${slug(block)}.ts`
      // The line comment tells a failure's reader which page to fix.
      await writeFile(join(folder, file), `// ${where(block)}\n${block.code}\nexport {}\n`)
      files.push(file)
    }
    await writeFile(join(folder, '_prelude.d.ts'), PRELUDE)
    // What a test or src/main.ts of the pages imports: an app module.
    const appModule = "import { Roll } from '@roll/framework'\nexport const app = new Roll()\n"
    await mkdir(join(work, 'src'), { recursive: true })
    await writeFile(join(work, 'src/app.ts'), appModule)
    await writeFile(join(folder, 'app.ts'), appModule)
    await writeFile(join(folder, 'tsconfig.json'), JSON.stringify({
      extends: '../../../tsconfig.base.json',
      compilerOptions: { noEmit: true, noUnusedLocals: false, types: ['node'] },
      files: ['_prelude.d.ts', ...files],
    }))
    expect(files.length).toBeGreaterThan(50)
    const tsc = join(root, 'node_modules/.bin/tsc')
    const result = await promisify(execFile)(tsc, ['-p', folder], { timeout: 60_000 }).then(() => '', (error: { stdout: string, message: string }) => error.stdout || error.message)
    expect(result).toBe('')
  }, 90_000)

  it('runs every runnable block and gets the output its page shows', async () => {
    const folder = join(work, 'run')
    await prepare(folder)
    for (const block of blocks.filter(isFile)) {
      const path = /\[([^\]]+)\]/.exec(block.meta)?.[1]
      if (!path || path.includes('..')) throw new Error(`${where(block)}: a file block needs a [relative/path] title`)
      await mkdir(join(folder, path, '..'), { recursive: true })
      await writeFile(join(folder, path), `${block.code}\n`)
    }
    const samples = blocks.filter(isRunnable)
    expect(samples.length).toBeGreaterThan(20)
    const problems: string[] = []
    // Four at a time: each is a Node process on its own free port.
    const queue = [...samples]
    await Promise.all(Array.from({ length: 4 }, async () => {
      for (let sample = queue.shift(); sample; sample = queue.shift()) {
        const next = blocks.slice(blocks.indexOf(sample) + 1).find((block) => !isFile(block))
        problems.push(...await checkSample(sample, next?.file === sample.file ? next : undefined, folder))
      }
    }))
    expect(problems).toEqual([])
  }, 120_000)

  it("runs every test block against its page's app, with vitest, in one run", async () => {
    const folder = join(work, 'tests')
    await prepare(folder)
    await writeFile(join(folder, 'vitest.config.mjs'), "export default { test: { include: ['*/test/**/*.test.ts'], testTimeout: 10_000 } }\n")
    const tests = blocks.filter((block) => isTs(block) && /\[test\/[^\]]+\.test\.ts\]/.test(block.meta))
    expect(tests.length).toBeGreaterThan(4)
    const problems: string[] = []
    for (const test of tests) {
      const app = blocks.slice(0, blocks.indexOf(test)).reverse().find((block) => block.file === test.file && block.meta.includes('[src/app.ts]'))
      if (!app) {
        problems.push(`${where(test)}: a test block needs a \`\`\`ts [src/app.ts] block before it on its page`)
        continue
      }
      const name = /\[(test\/[^\]]+)\]/.exec(test.meta)![1]!
      await mkdir(join(folder, slug(test), 'test'), { recursive: true })
      await mkdir(join(folder, slug(test), 'src'), { recursive: true })
      await writeFile(join(folder, slug(test), 'src/app.ts'), app.code)
      await writeFile(join(folder, slug(test), name), test.code)
    }
    // The child is a vitest of its own, not a worker of this one. The Redis guide's test
    // needs a Redis, as its page says: a real one, for this run only.
    const redis = await startRedis()
    const env = { ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST'))), REDIS_URL: redis.url }
    const vitest = join(root, 'node_modules/.bin/vitest')
    await new Promise<void>((done) => execFile(vitest, ['run', '--root', folder, '--config', join(folder, 'vitest.config.mjs'), '--reporter=json', '--outputFile=report.json'],
      { cwd: folder, env, timeout: 60_000 }, () => done())).finally(() => redis.stop())
    const report = JSON.parse(await readFile(join(folder, 'report.json'), 'utf8').catch(() => '{"testResults":[]}')) as {
      testResults: Array<{ name: string, status: string, message: string, assertionResults: Array<{ fullName: string, status: string, failureMessages: string[] }> }>
    }
    for (const file of report.testResults) {
      if (file.status !== 'passed') {
        const failures = file.assertionResults.filter((test) => test.status !== 'passed').map((test) => `${test.fullName}: ${test.failureMessages.join('\n')}`)
        problems.push(`${relative(folder, file.name)} failed: ${file.message}\n${failures.join('\n')}`)
      }
    }
    expect(problems).toEqual([])
    expect(report.testResults.map((file) => relative(folder, file.name)).sort()).toEqual(tests.map((test) => join(slug(test), /\[(test\/[^\]]+)\]/.exec(test.meta)![1]!)).sort())
  }, 90_000)

  it('fails a sample whose answer is not the one shown', async () => {
    const folder = join(work, 'broken')
    await prepare(folder)
    const page = join(docs, 'broken.md')
    const [sample, shell] = fencedBlocks(page, [
      '```ts run',
      "import { Roll } from '@roll/framework'",
      'export const app = new Roll()',
      "app.route('/hello', (request, response) => { response.body = 'Hello' })",
      '```',
      '```sh',
      '$ curl -i http://127.0.0.1:3579/hello',
      'HTTP/1.1 200 OK',
      'Goodbye',
      '```',
    ].join('\n'))
    const problems = await checkSample(sample!, shell, folder)
    expect(problems).toHaveLength(1)
    expect(problems[0]).toContain('did not show "Goodbye"')
    expect(problems[0]).toContain('Hello')
    expect(await checkSample(sample!, undefined, folder)).toEqual([expect.stringContaining('must be followed by')])
  }, 30_000)
})

// The names an entry point exports, read from its source: `export { a, type B } from …`
// lists, and `export function|class|const|interface|type name` declarations.
function exportedNames(source: string): string[] {
  const names = new Set<string>()
  for (const [, list] of source.matchAll(/^export (?:type )?\{([^}]*)\}/gm)) {
    for (const item of list!.split(',')) {
      const name = item.trim().replace(/^type /, '').split(/\s+as\s+/).at(-1)!.trim()
      if (name) names.add(name)
    }
  }
  for (const [, name] of source.matchAll(/^export (?:async )?(?:function|class|const|interface|type) (\w+)/gm)) names.add(name!)
  return [...names]
}

it('the reference names every public export of every package', async () => {
  const entries = ['framework/src/index.ts', 'framework/src/extensions/index.ts', 'framework/src/testing.ts',
    'framework/src/extensions/pubsub-cluster.ts', 'redis/src/index.ts', 'cli/src/index.ts']
  const reference = (await Promise.all((await readdir(join(docs, 'reference'))).map((page) => readFile(join(docs, 'reference', page), 'utf8')))).join('\n')
  const missing: string[] = []
  for (const entry of entries.filter((entry) => existsSync(join(root, entry)))) {
    const names = exportedNames(await readFile(join(root, entry), 'utf8'))
    expect(names.length, entry).toBeGreaterThan(0)
    for (const name of names) if (!new RegExp(`\\b${name}\\b`).test(reference)) missing.push(`${entry}: ${name}`)
  }
  expect(missing).toEqual([])
})

it('the reference names every flag of every roll command and every variable the code reads', async () => {
  const cli = await readFile(join(docs, 'reference/cli.md'), 'utf8')
  const environment = await readFile(join(docs, 'reference/environment.md'), 'utf8')
  const missing: string[] = []
  for (const command of ['create', 'dev', 'build', 'start']) {
    const source = await readFile(join(root, `cli/src/commands/${command}.ts`), 'utf8')
    // yargs options: `name: { type: …` in an options({…}) map, or .option('name', …).
    const flags = [...source.matchAll(/^\s+(\w+): \{ type:/gm), ...source.matchAll(/\.option\('([\w-]+)'/g)].map(([, flag]) => flag!)
    expect(flags.length, command).toBeGreaterThan(0)
    for (const flag of flags) if (!cli.includes(`--${flag}`)) missing.push(`roll ${command} --${flag}`)
  }
  for (const folder of ['cli/src', 'framework/src']) {
    const files = (await readdir(join(root, folder), { recursive: true })).filter((file) => file.endsWith('.ts'))
    for (const file of files) {
      const source = await readFile(join(root, folder, file), 'utf8')
      for (const match of source.matchAll(/process\.env\.(\w+)|env\w*\('([A-Z_]+)'/g)) {
        const name = match[1] ?? match[2]
        if (!environment.includes(`\`${name}\``)) missing.push(`${folder}/${file}: ${name}`)
      }
    }
  }
  expect(missing).toEqual([])
})

it('the reference names every event of RollEvents', async () => {
  const types = await readFile(join(root, 'framework/src/types.ts'), 'utf8')
  const body = /export interface RollEvents \{([\s\S]*?)\n\}/.exec(types)![1]!
  const events = [...body.matchAll(/^ {2}'?([\w:]+)'?:/gm)].map(([, name]) => name!)
  expect(events).toContain('websocket_connect')
  const reference = `${await readFile(join(docs, 'reference/core.md'), 'utf8')}${await readFile(join(docs, 'reference/websockets.md'), 'utf8')}`
  expect(events.filter((name) => !reference.includes(`\`${name}`))).toEqual([])
})

it('keeps VitePress failing the build on a dead link', async () => {
  expect(await readFile(join(docs, '.vitepress/config.mts'), 'utf8')).not.toMatch(/ignoreDeadLinks/)
})

it('the benchmark chart is the one docs/scripts/bench-chart.mjs draws from the saved report', async () => {
  await mkdir(work, { recursive: true })
  const drawn = join(work, 'bench-ratios.svg')
  await promisify(execFile)(process.execPath, [join(docs, 'scripts/bench-chart.mjs'), join(docs, 'bench/framework.txt'), drawn], { timeout: 10_000 })
  expect(await readFile(drawn, 'utf8')).toBe(await readFile(join(docs, 'public/bench-ratios.svg'), 'utf8'))
  expect(existsSync(join(docs, 'index.md'))).toBe(true)
})
