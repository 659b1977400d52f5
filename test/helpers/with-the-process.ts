// A service a test starts (registry, Redis) must not outlive the test process: killed when
// it exits, and on Ctrl-C or the runner stopping its worker, its folder removed too, after
// which the signal does what it would have done.
import { rmSync } from 'node:fs'

/** Ties `kill` (and removing `dir`) to this process's end; returns what unties them, for a clean stop. */
export function withTheProcess(kill: () => void, dir: string): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    kill()
    rmSync(dir, { recursive: true, force: true })
    process.kill(process.pid, signal)
  }
  process.once('exit', kill)
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  return () => {
    process.off('exit', kill)
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}
