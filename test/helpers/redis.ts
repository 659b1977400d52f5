// A real Redis server for the tests of @roll/redis: redis-server (Debian's package) on
// 127.0.0.1 and a free port, with nothing saved, in a temp folder. Killed by its PID,
// and started again on the same port for the outage tests.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { freePort } from './create.js'
import { waitUntil } from './wait-until.js'
import { withTheProcess } from './with-the-process.js'

export interface RedisServer {
  /** `redis://127.0.0.1:<port>` */
  url: string
  port: number
  /** The PID of the running server (changes at each `start`). */
  readonly pid: number
  /** Kills the server with SIGKILL by its PID, as a crash would, and waits until it is gone. */
  kill(): Promise<void>
  /** Freezes the server (SIGSTOP): its connections stay open, and nothing answers. */
  pause(): void
  /** Lets a paused server go on (SIGCONT). */
  resume(): void
  /** Starts the server again on the same port; resolves once it answers. */
  start(): Promise<void>
  /** Sends one command, e.g. `command('CLIENT', 'LIST')`, and resolves with the raw reply. */
  command(...args: string[]): Promise<string>
  /** Stops the server by its PID and removes its folder. */
  stop(): Promise<void>
}

const MISSING = 'redis-server is not installed: the tests of @roll/redis need a real one (apt-get install redis-server; .ci/run installs it).'

/** What the server at `port` answers to the command `args`, within `timeout` ms. */
function command(port: number, args: string[], timeout = 2_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1')
    let reply = ''
    const timer = setTimeout(() => socket.destroy(new Error(`no reply to ${args[0]} within ${timeout} ms`)), timeout)
    socket.on('connect', () => socket.write(`*${args.length}\r\n${args.map((arg) => `$${Buffer.byteLength(arg)}\r\n${arg}\r\n`).join('')}`))
    socket.on('data', (chunk) => {
      reply += chunk
      // One complete reply: a line, or a bulk string ($<length>, then as many bytes).
      const bulk = /^\$(\d+)\r\n/.exec(reply)
      if (reply.endsWith('\r\n') && (bulk === null || reply.length >= bulk[0].length + Number(bulk[1]) + 2)) socket.end()
    })
    socket.on('error', (error) => { clearTimeout(timer); reject(error) })
    socket.on('close', () => { clearTimeout(timer); resolve(reply) })
  })
}

/** Starts a redis-server; rejects within `timeout` ms if it does not answer, or at once if there is none. */
export async function startRedis(timeout = 10_000): Promise<RedisServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'roll-redis-'))
  const port = await freePort()
  let child: ChildProcess | undefined
  let output = ''
  const alive = (running: ChildProcess | undefined): running is ChildProcess & { pid: number } =>
    running?.pid !== undefined && running.exitCode === null && running.signalCode === null
  const exited = (running: ChildProcess) => alive(running) ? new Promise<void>((resolve) => running.once('exit', () => resolve())) : Promise.resolve()
  const kill = () => { if (alive(child)) process.kill(child.pid, 'SIGKILL') }

  async function start(): Promise<void> {
    output = ''
    const running = (child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }))
    const spawned = new Promise<void>((resolve, reject) => {
      running.once('spawn', resolve)
      running.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'ENOENT' ? new Error(MISSING) : error))
    })
    running.stdout!.on('data', (chunk) => (output += chunk))
    running.stderr!.on('data', (chunk) => (output += chunk))
    await spawned
    await waitUntil(`redis-server to answer on port ${port}`, async () => {
      if (!alive(running)) throw new Error(`redis-server exited with ${running.exitCode ?? running.signalCode}:\n${output}`)
      return (await command(port, ['PING'], 500)) === '+PONG\r\n'
    }, timeout, 20)
  }

  const untie = withTheProcess(kill, dir)
  const server: RedisServer = {
    url: `redis://127.0.0.1:${port}`,
    port,
    get pid() { return child?.pid ?? -1 },
    async kill() {
      const running = child!
      kill()
      await exited(running)
    },
    pause() { if (alive(child)) process.kill(child.pid, 'SIGSTOP') },
    resume() { if (alive(child)) process.kill(child.pid, 'SIGCONT') },
    start,
    command: (...args) => command(port, args),
    async stop() {
      untie()
      const running = child
      if (alive(running)) {
        const gone = exited(running)
        process.kill(running.pid, 'SIGTERM')
        const timer = setTimeout(kill, 5_000)
        await gone
        clearTimeout(timer)
      }
      rmSync(dir, { recursive: true, force: true })
    },
  }
  try {
    await start()
  } catch (error) {
    await server.stop()
    throw error
  }
  return server
}
