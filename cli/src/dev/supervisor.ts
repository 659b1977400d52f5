// roll dev's supervisor: a cluster primary that keeps the listening socket and runs each
// version of the app in its own worker process — one serving, one warm standby that has
// already booted Node and loaded the framework, ready to take over.
import cluster, { type Worker } from 'node:cluster'
import type { FromWorker, ToWorker } from './protocol.js'
import { forkStandby, takeEarlyStandby, type Standby } from './standby.js'

/** How the supervisor runs workers. */
export interface SupervisorOptions {
  port: number
  host: string
  /** Open the inspector of the serving worker on this address (`--inspect`). */
  inspect?: { host: string; port: number }
  /** The variables added to each worker's environment (read when a worker starts). */
  env: () => Record<string, string>
  /** How long a replaced worker may take to finish its requests. Default 5 s. */
  drainTimeout?: number
}

/**
 * The outcome of a restart: the new worker serves, or it failed (and the old one still
 * serves); `reported` when the worker printed why itself.
 */
export type RestartResult = { ok: true; url: string; port: number } | { ok: false; code?: string; message: string; reported: boolean }

/** Runs the app's versions in worker processes that share one listening socket. */
export class Supervisor {
  #options: SupervisorOptions
  #active: Worker | undefined
  #standby: Standby | undefined
  // The port the serving worker was given (the shared socket's key: 0 stays 0), and the one it got.
  #listenPort: number
  #port: number
  #stopping = false
  /** Called when the serving worker exits on its own (a crash after start-up). */
  onCrash: (code: number | null, signal: string | null) => void = () => {}

  constructor(options: SupervisorOptions) {
    this.#options = options
    this.#port = options.port
    this.#listenPort = options.port
  }

  /** Boots a standby now (or adopts the one bin/roll.js forked), so the first restart does not wait for Node to start. */
  warmUp(): void {
    const early = takeEarlyStandby()
    if (early !== undefined) this.#standby ??= this.#adopt(early)
    this.#standby ??= this.#spawn()
  }

  /** Forgets the standby (after a dependency or config change it may hold stale modules). */
  discardStandby(): void {
    this.#standby?.worker.process.kill('SIGKILL')
    this.#standby = undefined
  }

  /**
   * Serves `bundle` in the standby; once it listens, the previous worker drains and a new
   * standby boots. On failure the previous worker keeps serving.
   */
  async restart(bundle: string, entry: string): Promise<RestartResult> {
    let standby = this.#standby
    const env = JSON.stringify(this.#options.env())
    if (standby === undefined || standby.env !== env) {
      this.discardStandby()
      standby = this.#spawn(env)
    }
    this.#standby = undefined
    if (!(await standby.ready)) {
      return { ok: false, message: 'the dev worker exited while starting', reported: false }
    }
    const { worker } = standby
    const previous = this.#active
    const inspect = this.#options.inspect
    if (inspect !== undefined && previous !== undefined) await this.#request(previous, { type: 'inspector-close' }, 'inspector-closed')
    // While a worker listens, the primary finds the shared socket by the port it was asked
    // for; once none does, the socket is gone and the next worker binds the same port again.
    const port = previous !== undefined ? this.#listenPort : this.#port
    const reply = await this.#request(worker, { type: 'go', bundle, entry, port, host: this.#options.host, inspect }, 'listening', 'failed')
    let result: RestartResult
    if (reply?.type === 'listening') {
      this.#listenPort = port
      this.#port = reply.port
      this.#active = worker
      if (previous !== undefined) this.#drain(previous, this.#options.drainTimeout ?? 5_000, 1012)
      result = { ok: true, url: reply.url, port: reply.port }
    } else {
      if (inspect !== undefined && previous !== undefined && !previous.isDead()) previous.send({ type: 'inspector-open', ...inspect } satisfies ToWorker)
      result = reply?.type === 'failed'
        ? { ok: false, code: reply.code, message: reply.message, reported: reply.code === undefined }
        : { ok: false, message: 'the dev worker exited before serving', reported: false }
    }
    if (!this.#stopping) this.#standby ??= this.#spawn()
    return result
  }

  /** Stops every worker: the serving one finishes its requests (at most `timeout` ms). */
  async stop(timeout = 2_000): Promise<void> {
    this.#stopping = true
    const workers = Object.values(cluster.workers ?? {}).filter((worker) => worker !== undefined)
    const exited = workers.map((worker) => new Promise<void>((resolve) => {
      if (worker.isDead()) return resolve()
      worker.once('exit', () => resolve())
    }))
    this.discardStandby()
    for (const worker of workers) {
      if (worker === this.#active) this.#drain(worker, timeout, 1001)
      else if (!worker.isDead()) worker.process.kill('SIGKILL')
    }
    await Promise.all(exited)
  }

  #spawn(env = JSON.stringify(this.#options.env())): Standby {
    return this.#adopt(forkStandby(env))
  }

  #adopt(standby: Standby): Standby {
    const { worker } = standby
    worker.once('exit', (code, signal) => {
      if (worker === this.#active) {
        this.#active = undefined
        if (!this.#stopping) this.onCrash(code, signal)
      }
      if (worker === this.#standby?.worker) this.#standby = undefined
    })
    worker.on('message', (message: FromWorker, handle?: unknown) => {
      if (message.type === 'connection' && handle !== undefined) this.#pass(handle as { close(): void })
      if (message.type === 'stopped-listening' && worker.isConnected()) worker.send({ type: 'close-websockets' } satisfies ToWorker)
    })
    return standby
  }

  // A draining worker's idle connection goes to the serving worker (or is closed, when stopping).
  #pass(handle: { close(): void }): void {
    const active = this.#active
    if (active === undefined || active.isDead() || this.#stopping) return handle.close()
    active.send({ type: 'connection' } satisfies ToWorker, handle as never, {}, () => handle.close())
  }

  #drain(worker: Worker, timeout: number, closeCode: 1001 | 1012): void {
    if (worker === this.#active) this.#active = undefined
    if (worker.isDead()) return
    worker.send({ type: 'drain', timeout, closeCode } satisfies ToWorker)
    const kill = setTimeout(() => worker.process.kill('SIGKILL'), timeout + 1_000)
    worker.once('exit', () => clearTimeout(kill))
  }

  // Sends `message` and resolves with the first reply of one of `types`, or undefined if the worker exits first.
  #request<T extends FromWorker['type']>(worker: Worker, message: ToWorker, ...types: T[]): Promise<Extract<FromWorker, { type: T }> | undefined> {
    return new Promise((resolve) => {
      const onMessage = (reply: FromWorker) => {
        if (!(types as string[]).includes(reply.type)) return
        done()
        resolve(reply as Extract<FromWorker, { type: T }>)
      }
      const onExit = () => {
        done()
        resolve(undefined)
      }
      const done = () => {
        worker.off('message', onMessage)
        worker.off('exit', onExit)
      }
      worker.on('message', onMessage)
      worker.once('exit', onExit)
      worker.send(message)
    })
  }
}
