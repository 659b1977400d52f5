// A real npm registry for the release tests: verdaccio on 127.0.0.1, on a free port, with
// fresh storage in a temp folder. Our packages (`@roll/*`, `create-roll`) are only ever
// served from it; every other package is proxied to the registry npm is configured with.
// npm talks to it through environment variables and an isolated cache and user config,
// never the user's own.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { freePort, repoRoot } from './create.js'
import { waitUntil } from './wait-until.js'
import { withTheProcess } from './with-the-process.js'

export interface Registry {
  url: string
  /** A whole environment for npm (and npx, pnpm) to use this registry, with a throwaway token and nothing of the user's npm settings. */
  env: NodeJS.ProcessEnv
  /** Stops the registry by its PID and removes its folder. */
  stop(): Promise<void>
}

const upstream = () => execFileSync('npm', ['config', 'get', 'registry'], { encoding: 'utf8' }).trim()

function config(port: number, uplink: string): string {
  const ours = ['"@roll/*"', '"create-roll"'].map((name) => `  ${name}:\n    access: $all\n    publish: $authenticated\n`).join('')
  return [
    'storage: ./storage',
    'auth:',
    '  htpasswd:',
    '    file: ./htpasswd',
    'uplinks:',
    '  upstream:',
    `    url: ${uplink}`,
    '    timeout: 30s',
    'packages:',
    ours + '  "**":\n    access: $all\n    publish: $authenticated\n    proxy: upstream',
    `listen: 127.0.0.1:${port}`,
    'log: { type: stdout, format: pretty, level: warn }',
    '',
  ].join('\n')
}

/** Starts a registry and signs up a throwaway user; rejects within `timeout` ms if it does not answer. */
export async function startRegistry(timeout = 30_000): Promise<Registry> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'roll-registry-'))
  const port = await freePort()
  const url = `http://127.0.0.1:${port}/`
  writeFileSync(path.join(dir, 'config.yaml'), config(port, upstream()))
  const bin = path.join(repoRoot, 'node_modules', 'verdaccio', 'bin', 'verdaccio')
  const child: ChildProcess = spawn(process.execPath, [bin, '--config', path.join(dir, 'config.yaml')], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout!.on('data', (chunk) => (output += chunk))
  child.stderr!.on('data', (chunk) => (output += chunk))
  const kill = () => child.kill('SIGKILL')
  const untie = withTheProcess(kill, dir)
  const stop = async () => {
    untie()
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      const timer = setTimeout(kill, 5_000)
      await exited
      clearTimeout(timer)
    }
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    await waitUntil(`verdaccio to answer on ${url}:\n${output}`, async () => {
      if (child.exitCode !== null) throw new Error(`verdaccio exited with ${child.exitCode}: ${output}`)
      return (await fetch(`${url}-/ping`)).ok
    }, timeout, 100)
    const signup = await fetch(`${url}-/user/org.couchdb.user:roll-test`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'roll-test', password: 'roll-test-password' }),
    })
    const { token } = (await signup.json()) as { token?: string }
    if (!signup.ok || !token) throw new Error(`verdaccio refused the test user (${signup.status}): ${output}`)
    const userconfig = path.join(dir, 'npmrc')
    writeFileSync(userconfig, `registry=${url}\n//127.0.0.1:${port}/:_authToken=${token}\n`)
    // npm run passes its own settings down as npm_config_*: none of them may leak in.
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_config_/i.test(name)))
    const env: NodeJS.ProcessEnv = {
      ...inherited,
      npm_config_registry: url,
      npm_config_userconfig: userconfig,
      npm_config_globalconfig: path.join(dir, 'global-npmrc'),
      npm_config_cache: path.join(dir, 'npm-cache'),
      npm_config_update_notifier: 'false',
      npm_config_fund: 'false',
      npm_config_audit: 'false',
    }
    return { url, env, stop }
  } catch (error) {
    await stop()
    throw error
  }
}
