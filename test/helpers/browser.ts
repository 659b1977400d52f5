// A real Chromium for the tests that look at pages: Debian's `chromium` (installed by
// .ci/run), driven by playwright-core. One browser per test file: `startBrowser()` in
// beforeAll, `stop()` in afterAll, which kills it by its PID if closing hangs.
import { execFileSync } from 'node:child_process'
import { chromium, type Browser } from 'playwright-core'

export interface TestBrowser {
  browser: Browser
  stop(): Promise<void>
}

function chromiumPath(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH
  try {
    return execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' }).trim()
  } catch {
    throw new Error('Chromium is not installed: apt-get install -y chromium (or set CHROMIUM_PATH to its binary).')
  }
}

/** Starts headless Chromium with a fresh profile (playwright makes one per launch); rejects within `timeout` ms. */
export async function startBrowser(timeout = 30_000): Promise<TestBrowser> {
  // What headless Chromium needs as root, and nothing that reaches out to the network.
  const args = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync']
  const server = await chromium.launchServer({ executablePath: chromiumPath(), headless: true, args, timeout })
  const pid = server.process().pid
  const browser = await chromium.connect(server.wsEndpoint(), { timeout })
  return {
    browser,
    async stop() {
      const killer = setTimeout(() => pid && process.kill(pid, 'SIGKILL'), 5_000)
      await server.close().catch(() => {})
      clearTimeout(killer)
    },
  }
}
