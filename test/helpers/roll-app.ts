// Helpers for tests that run `roll dev`, `roll build` and `roll start` on a fixture app: a
// temporary copy of the app, the roll process with waits on its output, an HTTP poller.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { Agent, request as httpRequest } from 'node:http'
import { createServer } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { waitUntil } from './wait-until.js'

export { waitUntil }

const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
const rollBin = path.join(repoRoot, 'cli', 'bin', 'roll.js')
const temps: string[] = []
const processes = new Set<RollProcess>()

/**
 * A copy of `test/fixtures/<fixture>` in a temp folder, whose node_modules links
 * `@roll/framework` to this checkout's framework (as an installed app would have it).
 */
export function appCopy(fixture = 'dev-app'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'roll-app-'))
  temps.push(dir)
  cpSync(path.join(repoRoot, 'test', 'fixtures', fixture), dir, { recursive: true })
  mkdirSync(path.join(dir, 'node_modules', '@roll'), { recursive: true })
  symlinkSync(path.join(repoRoot, 'framework'), path.join(dir, 'node_modules', '@roll', 'framework'), 'dir')
  return dir
}

/**
 * A copy of `templates/<template>` in a temp folder (its sources, tests and public files),
 * whose node_modules links `@roll/framework` and `@roll/redis` to this checkout's.
 */
export function templateCopy(template: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `roll-${template}-`))
  temps.push(dir)
  const source = path.join(repoRoot, 'templates', template)
  cpSync(source, dir, { recursive: true, filter: (file) => !/[\\/](node_modules|dist)$/.test(file) })
  mkdirSync(path.join(dir, 'node_modules', '@roll'), { recursive: true })
  for (const name of ['framework', 'redis']) symlinkSync(path.join(repoRoot, name), path.join(dir, 'node_modules', '@roll', name), 'dir')
  return dir
}

/** The TCP connections process `pid` holds, established on local port `port` (read from /proc). */
export function connectionsOf(pid: number, port: number): number {
  const sockets = new Set<string>()
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const inode = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1]
      if (inode !== undefined) sockets.add(inode)
    } catch {
      // closed meanwhile
    }
  }
  const local = `:${port.toString(16).toUpperCase().padStart(4, '0')}`
  let count = 0
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/)
      // local address, state (01: established), inode
      if (fields.length > 9 && fields[1].endsWith(local) && fields[3] === '01' && sockets.has(fields[9])) count++
    }
  }
  return count
}

/** A copy of the fixture app (see `appCopy`) built by `roll build`, for tests that run dist/server.mjs. */
export async function builtAppCopy(fixture = 'dev-app'): Promise<string> {
  const dir = appCopy(fixture)
  const build = RollProcess.roll(['build'], dir)
  const { code } = await build.exited
  if (code !== 0) throw new Error(`roll build failed (code ${code}):\n${build.output}`)
  return dir
}

/** Writes `content` to `file` in `dir` (creating folders). */
export function writeAppFile(dir: string, file: string, content: string): void {
  mkdirSync(path.dirname(path.join(dir, file)), { recursive: true })
  writeFileSync(path.join(dir, file), content)
}

/** The fixture's src/message.ts, serving `message` at /. */
export const messageModule = (message: string) => `export const message: string = ${JSON.stringify(message)}\n`

/** A running `roll …` (or `node …`) process whose output the test waits on. */
export class RollProcess {
  readonly child: ChildProcess
  output = ''
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>

  constructor(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
    const environment: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...env }
    delete environment.FORCE_COLOR
    this.child = spawn(command, args, { cwd, env: environment, stdio: ['pipe', 'pipe', 'pipe'] })
    processes.add(this)
    this.child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk))
    this.child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk))
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })))
  }

  /** `roll <args>` in `cwd`. */
  static roll(args: string[], cwd: string, env?: NodeJS.ProcessEnv): RollProcess {
    return new RollProcess(process.execPath, [rollBin, ...args], cwd, env)
  }

  get pid(): number {
    return this.child.pid!
  }

  /** Where the output ends now: pass it to waitFor to wait for what comes after. */
  mark(): number {
    return this.output.length
  }

  /** Resolves with the first match of `pattern` in the output after `since`; rejects after `timeout` ms. */
  async waitFor(pattern: RegExp, { since = 0, timeout = 10_000 } = {}): Promise<RegExpMatchArray> {
    let exited = false
    void this.exited.then(() => (exited = true))
    return waitUntil(`${pattern} in the output of roll:\n${this.output}`, () => {
      const match = this.output.slice(since).match(pattern)
      if (match === null && exited) throw new Error(`the process exited without printing ${pattern}:\n${this.output}`)
      return match ?? undefined
    }, timeout)
  }

  /** Waits until GET `url` answers 200 with `text`; the error shows roll's output. */
  async waitForText(url: string, text: string, timeout = 10_000): Promise<Reply> {
    try {
      return await waitForText(url, text, timeout)
    } catch (error) {
      throw new Error(`${(error as Error).message}; the output of roll:\n${this.output}`)
    }
  }

  /** The URL the process printed ("http://127.0.0.1:…"). */
  async url(): Promise<string> {
    return (await this.waitFor(/http:\/\/[\d.]+:\d+/))[0]
  }

  /** The ids of the processes it started (its workers), read with ps. */
  children(): number[] {
    try {
      return execFileSync('ps', ['-o', 'pid=', '--ppid', String(this.pid)], { encoding: 'utf8' }).split('\n').map(Number).filter((pid) => pid > 0)
    } catch {
      return []
    }
  }

  /** Sends `signal` and resolves once the process has exited. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeout = 10_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    this.child.kill(signal)
    const timer = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`roll did not exit within ${timeout} ms of ${signal}:\n${this.output}`)), timeout).unref())
    return Promise.race([this.exited, timer])
  }
}

/** True while process `pid` runs (a zombie, exited but not yet reaped by init, does not count). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z'
  } catch {
    return process.platform !== 'linux'
  }
}

/** True when `port` on `host` can be listened on again. */
export function portIsFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => resolve(false))
    server.listen(port, host, () => server.close(() => resolve(true)))
  })
}

/** Kills every process the helpers started, and their workers, and deletes the temp apps (afterEach). */
export async function cleanUp(): Promise<void> {
  for (const proc of processes) {
    const pids = [proc.pid, ...proc.children()]
    for (const pid of pids) if (isAlive(pid)) process.kill(pid, 'SIGKILL')
    await proc.exited
    await waitUntil('the workers to exit', () => pids.every((pid) => !isAlive(pid)), 5_000)
  }
  processes.clear()
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true })
}

/** A response: its status and body text. */
export interface Reply {
  status: number
  text: string
}

/** GET `url`, on a fresh connection (or on `agent`'s). */
export function get(url: string, agent: Agent | false = false): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { agent }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (text += chunk))
      res.on('end', () => resolve({ status: res.statusCode!, text }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

/** Waits until GET `url` answers 200 with `text`. */
export function waitForText(url: string, text: string, timeout = 10_000): Promise<Reply> {
  return waitUntil(`${url} to answer '${text}'`, async () => {
    const reply = await get(url).catch(() => undefined)
    return reply?.status === 200 && reply.text === text ? reply : undefined
  }, timeout)
}

/** What a poller saw. */
export interface PollReport {
  ok: number
  failed: string[]
}

/**
 * Clients that GET `url` until stopped: back to back on a keep-alive connection, back to
 * back opening a connection per request, and on a keep-alive connection with 100 ms
 * pauses (as a page polling would); every error or non-200 counts as failed.
 */
export function poll(url: string): { stop: () => Promise<PollReport> } {
  const report: PollReport = { ok: 0, failed: [] }
  let running = true
  const loop = async (agent: Agent | false, pause = 0) => {
    while (running) {
      if (pause > 0) await new Promise((resolve) => setTimeout(resolve, pause))
      try {
        const reply = await get(url, agent)
        if (reply.status === 200) report.ok++
        else report.failed.push(`status ${reply.status}`)
      } catch (error) {
        report.failed.push(String((error as NodeJS.ErrnoException).code ?? error))
      }
    }
  }
  const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 })
  const pausing = new Agent({ keepAlive: true, maxSockets: 1 })
  const loops = [loop(keepAlive), loop(false), loop(pausing, 100)]
  return {
    stop: async () => {
      running = false
      await Promise.all(loops)
      keepAlive.destroy()
      pausing.destroy()
      return report
    },
  }
}
