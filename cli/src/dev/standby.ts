// A roll dev worker waiting to serve: forked as early as possible (bin/roll.js forks the
// first one before the CLI itself loads), it boots Node and loads the app's dependencies.
import cluster, { type Worker } from 'node:cluster'
import { fileURLToPath } from 'node:url'
import { readEnvFile } from '../env-file.js'
import type { FromWorker } from './protocol.js'

export interface Standby {
  worker: Worker
  /** Resolves true once the worker has loaded the framework and the app's dependencies, false if it exits first. */
  ready: Promise<boolean>
  /** The environment it was forked with (JSON), to tell whether it is still the right one. */
  env: string
}

const workerPath = fileURLToPath(new URL('../dev-worker/worker.js', import.meta.url))
let clusterReady = false

function setUpCluster(): void {
  if (clusterReady) return
  clusterReady = true
  // Shared-handle mode: the primary binds the socket and hands that very socket to each
  // worker, which accepts on it itself; the default, round-robin, would accept in the
  // primary and pass every connection on.
  cluster.schedulingPolicy = cluster.SCHED_NONE
  cluster.setupPrimary({
    exec: workerPath,
    execArgv: process.execArgv.filter((flag) => !flag.startsWith('--inspect')),
  })
}

/** Forks a worker with `env` (JSON) added to this process's environment. */
export function forkStandby(env: string): Standby {
  setUpCluster()
  const worker = cluster.fork(JSON.parse(env))
  const ready = new Promise<boolean>((resolve) => {
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'ready') resolve(true)
    })
    worker.once('exit', () => resolve(false))
  })
  // A worker that dies mid-send must not take the supervisor with it.
  worker.on('error', () => {})
  return { worker, ready, env }
}

let early: Standby | undefined

/**
 * Forks `roll dev`'s first worker before the CLI loads, so that Node boots in it while
 * yargs, esbuild and the first build take their time here (bin/roll.js calls it).
 */
export function forkEarly(): void {
  early = forkStandby(JSON.stringify(readEnvFile(process.cwd())))
}

/** The worker `forkEarly` forked, once: the supervisor adopts it as its first standby. */
export function takeEarlyStandby(): Standby | undefined {
  const standby = early
  early = undefined
  return standby
}
