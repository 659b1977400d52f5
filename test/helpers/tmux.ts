// Drives a command in a real pseudo-terminal through tmux: start it, read the screen,
// type keys. Tests that use it skip when tmux is not installed.
import { execFileSync, spawnSync } from 'node:child_process'
import { waitUntil } from './wait-until.js'

/** Whether the tmux binary is on PATH. */
export const hasTmux = spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0

let sessions = 0

/** A command running in a detached tmux session, 100×30 unless told otherwise. */
export class TmuxSession {
  readonly name = `roll-test-${process.pid}-${++sessions}`

  /** Starts `command` (a shell command line) in `cwd`; the pane stays open after it ends and prints "[exit N]". */
  constructor(command: string, cwd: string, { width = 100, height = 30 } = {}) {
    const script = `${command}; echo "[exit $?]"; sleep 600`
    execFileSync('tmux', ['new-session', '-d', '-s', this.name, '-x', String(width), '-y', String(height), '-c', cwd, 'sh', '-c', script])
  }

  /** The visible screen, as text without colours. */
  screen(): string {
    return execFileSync('tmux', ['capture-pane', '-p', '-t', this.name], { encoding: 'utf8' })
  }

  /** Waits until the screen shows `text` (a string or a pattern); rejects after `timeout` ms with the screen. */
  async waitFor(text: string | RegExp, timeout = 10_000): Promise<string> {
    try {
      return await waitUntil(`'${text}' on the terminal`, () => {
        const screen = this.screen()
        return (typeof text === 'string' ? screen.includes(text) : text.test(screen)) ? screen : ''
      }, timeout)
    } catch (error) {
      throw new Error(`${(error as Error).message}\nScreen:\n${this.screen()}`)
    }
  }

  /** Types keys: literal text, or tmux key names such as 'Enter', 'Down', 'C-c'. */
  send(...keys: string[]): void {
    execFileSync('tmux', ['send-keys', '-t', this.name, ...keys])
  }

  /** Types `text` literally (no key-name lookup). */
  type(text: string): void {
    execFileSync('tmux', ['send-keys', '-t', this.name, '-l', text])
  }

  /** Ends the session and the command in it. */
  kill(): void {
    spawnSync('tmux', ['kill-session', '-t', this.name], { stdio: 'ignore' })
  }
}
