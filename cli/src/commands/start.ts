// roll start: run the built bundle in N worker processes (node:cluster), replace a worker
// that crashes, and on SIGTERM let every worker drain before exiting.
import cluster, { type Worker } from 'node:cluster'
import { existsSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { relative, resolve } from 'node:path'
import { relayPubSub } from '@roll/framework/cluster'
import type { Argv, CommandModule } from 'yargs'
import { CliError } from '../errors.js'
import { referenceLine } from '../command-line.js'
import { error, info, success } from '../log.js'
import { DRAIN, STOPPED_LISTENING } from '../server/start-protocol.js'

interface StartArgs {
  workers: string
  port?: number
  host?: string
  bundle: string
}

/** `roll start [--workers N|auto] [--port 3579] [--host 127.0.0.1] [--bundle dist/server.mjs]` */
export const start: CommandModule<object, StartArgs> = {
  command: 'start',
  describe: 'Serve the built app (dist/server.mjs) with N worker processes',
  builder: (yargs) =>
    yargs.options({
      workers: { type: 'string', default: '1', describe: 'Number of worker processes, or auto (one per CPU)' },
      port: { type: 'number', describe: 'Port to listen on (default: $PORT, else 3579)' },
      host: { type: 'string', describe: 'Address to listen on (default: $HOST, else 127.0.0.1)' },
      bundle: { type: 'string', default: 'dist/server.mjs', describe: 'The bundle roll build wrote' },
    }).epilogue(referenceLine('#roll-start')) as unknown as Argv<StartArgs>,
  handler: (args) => runStart(args),
}

// A worker that dies this soon after it started is crashing at start-up, not at random.
const EARLY_EXIT = 2_000
const MAX_EARLY_EXITS = 5

async function runStart(args: StartArgs): Promise<void> {
  const root = process.cwd()
  const bundle = resolve(root, args.bundle)
  if (!existsSync(bundle)) {
    throw new CliError(`Cannot find ${relative(root, bundle)}.`, 'Build the app first: roll build (or pass --bundle <file>).')
  }
  const count = parseWorkers(args.workers)
  const env: Record<string, string> = {}
  if (args.port !== undefined) env.PORT = String(args.port)
  if (args.host !== undefined) env.HOST = args.host

  cluster.setupPrimary({ exec: bundle, execArgv: [...process.execArgv, '--enable-source-maps'] })
  // What one worker's pubsub hub publishes reaches the others' subscribers.
  relayPubSub(cluster)
  const startedAt = new Map<Worker, number>()
  const fork = () => {
    const worker = cluster.fork(env)
    startedAt.set(worker, Date.now())
    // A worker whose IPC channel fails emits 'error'; unheard, that would kill roll start and every worker.
    worker.on('error', (problem: Error) => {
      error(`lost contact with worker ${worker.process.pid} (${problem.message}); roll start goes on, and starts a new worker once that one exits`)
    })
  }
  let stopping = false
  // The workers that have stopped listening: see start-protocol.ts.
  const stoppedListening = new Set<Worker>()
  const drain = (worker: Worker) => worker.isConnected() && worker.send(DRAIN)
  const drainOnceNoneListens = () => {
    const workers = [...startedAt.keys()]
    if (workers.every((worker) => stoppedListening.has(worker))) workers.forEach(drain)
  }
  let earlyExits = 0
  let failed = false
  let listening = 0

  await new Promise<void>((done) => {
    cluster.on('listening', (_worker, address) => {
      if (++listening !== count) return
      const host = address.address === undefined || address.address === null ? '0.0.0.0' : address.address
      const shown = host.includes(':') ? `[${host}]` : host
      success(`serving ${relative(root, bundle)} on http://${shown}:${address.port} with ${count} worker${count === 1 ? '' : 's'}`)
    })
    cluster.on('message', (worker, message) => {
      if (message !== STOPPED_LISTENING) return
      stoppedListening.add(worker)
      // A worker stopped on its own drains at once: the others take its clients.
      if (stopping) drainOnceNoneListens()
      else drain(worker)
    })
    cluster.on('exit', (worker, code, signal) => {
      const early = Date.now() - (startedAt.get(worker) ?? 0) < EARLY_EXIT
      startedAt.delete(worker)
      stoppedListening.delete(worker)
      if (stopping) {
        if (code !== 0) failed = true
        if (startedAt.size === 0) done()
        else drainOnceNoneListens()
        return
      }
      earlyExits = early ? earlyExits + 1 : 0
      if (earlyExits >= MAX_EARLY_EXITS) {
        error(`workers keep exiting at start-up (${signal ?? `code ${code}`}); giving up`)
        failed = true
        stop('SIGTERM')
        return
      }
      error(`worker ${worker.process.pid} exited (${signal ?? `code ${code}`}), starting a new one`)
      fork()
    })
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return
      stopping = true
      if (startedAt.size === 0) return done()
      info(`${signal} received, draining ${startedAt.size} worker${startedAt.size === 1 ? '' : 's'}`)
      for (const worker of startedAt.keys()) worker.process.kill('SIGTERM')
    }
    process.on('SIGTERM', stop)
    process.on('SIGINT', stop)
    for (let index = 0; index < count; index++) fork()
  })
  if (failed) process.exitCode = 1
}

function parseWorkers(value: string): number {
  if (value === 'auto') return availableParallelism()
  const count = Number(value)
  if (!Number.isInteger(count) || count < 1) {
    throw new CliError(`--workers must be a positive integer or auto, got '${value}'.`, 'Pass e.g. --workers 2 or --workers auto.')
  }
  return count
}
