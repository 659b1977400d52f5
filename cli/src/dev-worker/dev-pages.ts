// roll dev's pages for browsers: a 404 that lists the app's routes (as Django's debug 404
// does) and, for an unexpected error, a 500 with its message, the app's line in a code
// frame and the stack. Only in roll dev's workers, only for requests that prefer
// text/html: curl, fetch and the test client get Roll's plain bodies, as in production.
import { createRequire } from 'node:module'
import type Negotiator from 'negotiator'
import { appStack, foldedText, terminalReport, type AppStack } from './app-stack.js'

interface DevRequest { method: string; path: string; headers: Record<string, string> }
interface DevResponse { headers: Record<string, unknown>; body: unknown }
interface DevError { status: number; cause?: unknown }
/** What the pages need of a Roll app. */
export interface DevPagesApp {
  listen(name: 'error', listener: (request: DevRequest, response: DevResponse, error: DevError) => void): unknown
  readonly routes?: readonly { path: string; methods: readonly string[]; protocol: string }[]
}

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!)

// Required at the first 404 or error, not as the worker boots (about 7 ms of it).
let negotiator: typeof Negotiator | undefined
const prefersHtml = (accept: string | undefined) => {
  negotiator ??= createRequire(import.meta.url)('negotiator') as typeof Negotiator
  return accept !== undefined && new negotiator({ headers: { accept } }).mediaType(['text/plain', 'text/html']) === 'text/html'
}

/**
 * Adds the pages to `app`, whose sources are under `root`; an unexpected error also gets,
 * in the terminal, after the framework's one line, the app's line and its stack.
 */
export function addDevPages(app: DevPagesApp, root: string): void {
  app.listen('error', (request, response, error) => {
    const stack = error.status === 500 && error.cause !== undefined ? appStack(error.cause, root) : undefined
    if (stack) process.stderr.write(terminalReport(stack))
    if ((error.status !== 404 && !stack) || !prefersHtml(request.headers['ACCEPT'])) return
    response.headers['Content-Type'] = 'text/html; charset=utf-8'
    response.body = stack ? errorPage(request, stack) : notFoundPage(request, app.routes ?? [])
  })
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">
<style>body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#222}
h1{font-size:1.4rem;color:#b00}code,pre{font:13px/1.45 ui-monospace,monospace}pre{background:#f5f5f5;padding:.8rem;overflow:auto}
table{border-collapse:collapse}td{padding:.15rem 1rem .15rem 0}.mark{background:#fdd}.dim{color:#888}</style></head>
<body>${body}<p class="dim">roll dev shows this page to browsers only; other clients, and the app in production, get the plain answer.</p></body></html>`
}

function notFoundPage(request: DevRequest, routes: NonNullable<DevPagesApp['routes']>): string {
  const rows = routes.map((route) => `<tr><td><code>${escape(route.methods.join(', '))}</code></td><td><code>${escape(route.path)}</code></td><td class="dim">${route.protocol === 'http' ? '' : escape(route.protocol)}</td></tr>`)
  const list = rows.length > 0 ? `<table>${rows.join('')}</table>` : '<p>The app has no routes yet: add one in <code>src/app.ts</code>.</p>'
  return page('404 Not Found', `<h1>404 Not Found</h1><p>No route matches <code>${escape(`${request.method} ${request.path}`)}</code>. The app's routes, in the order they are tried:</p>${list}`)
}

function errorPage(request: DevRequest, { title, place, lines }: AppStack): string {
  const stack = lines.map((line) => ('frame' in line ? `    ${escape(line.frame)}` : `<span class="dim">    ${foldedText(line.folded)}</span>`))
  const code = (place?.code ?? []).map(({ number, text, marked }) => {
    const row = `${String(number).padStart(4)} │ ${escape(text)}`
    return marked ? `<span class="mark">${row}</span>` : row
  })
  const where = place ? `<p>In <code>${escape(place.shown)}</code>:</p>${code.length > 0 ? `<pre>${code.join('\n')}</pre>` : ''}` : ''
  return page(`500 ${title}`, `<h1>500 Internal Server Error</h1><p><code>${escape(`${request.method} ${request.path}`)}</code> failed with <strong>${escape(title)}</strong></p>${where}<pre>${stack.join('\n')}</pre>`)
}
