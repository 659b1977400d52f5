// Helpers for tests that run the real `roll create` / `create-roll` bins in temporary
// folders: paths, a process runner with a timeout, temp folders cleaned up after each test.
import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** The checkout's root folder. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
/** The `roll` bin and the `create-roll` bin. */
export const rollBin = path.join(repoRoot, 'cli', 'bin', 'roll.js')
export const createRollBin = path.join(repoRoot, 'cli', 'create-roll', 'bin', 'create-roll.js')

const temps: string[] = []

/** A new empty folder under the system's temp folder; `removeTemps()` deletes them all. */
export function tempDir(prefix = 'roll-test-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix))
  temps.push(dir)
  return dir
}

/** Deletes the folders `tempDir` made (call it in afterEach/afterAll). */
export function removeTemps(): void {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true })
}

/** Every path under `dir`, relative and sorted (folders end with `/`), for "nothing left behind" checks. */
export function listTree(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)) + (entry.isDirectory() ? '/' : ''))
    .sort()
}

export interface RunResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

export interface RunOptions {
  cwd: string
  env?: NodeJS.ProcessEnv
  /** Milliseconds before the process is killed and the promise rejects. Default 30 000. */
  timeout?: number
  /** Written to stdin, which is a pipe (never a terminal). */
  input?: string
}

// What `npm test` / `npx` put in the environment about the checkout's own package: a
// child npm in another folder must not see it.
const NPM_RUN_VARS = /^npm_(package_|lifecycle_|command$|config_call$|config_local_prefix$)/

/** The environment tests run commands in: no CI flag, no colours, npm as the package manager. */
export function testEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, npm_config_user_agent: 'npm/10.0.0 node/v20.0.0 linux x64', ...extra }
  delete env.CI
  delete env.FORCE_COLOR
  for (const key of Object.keys(env)) if (NPM_RUN_VARS.test(key)) delete env[key]
  for (const [key, value] of Object.entries(extra)) if (value === undefined) delete env[key]
  return env
}

/** Runs `command args` to its end; stdin is a pipe and stdout/stderr are collected. */
export function run(command: string, args: string[], options: RunOptions): Promise<RunResult> {
  const { cwd, env = testEnv(), timeout = 30_000, input } = options
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${command} ${args.join(' ')} did not finish within ${timeout} ms.\nstdout: ${stdout}\nstderr: ${stderr}`))
    }, timeout)
    child.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr })
    })
    child.stdin.end(input ?? '')
  })
}

/** Runs the `roll` bin with `args` in `cwd`. */
export function roll(args: string[], options: RunOptions): Promise<RunResult> {
  return run(process.execPath, [rollBin, ...args], options)
}

/** Runs the `create-roll` bin with `args` in `cwd`. */
export function createRoll(args: string[], options: RunOptions): Promise<RunResult> {
  return run(process.execPath, [createRollBin, ...args], options)
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

