// roll dev's pages for browsers: a 404 that lists the app's routes (as Django's debug 404
// does) and, for an unexpected error, a 500 with its message, the app's line in a code
// frame and the stack. Only in roll dev's workers, only for requests that prefer
// text/html: curl, fetch and the test client get Roll's plain bodies, as in production.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import Negotiator from 'negotiator'

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

const prefersHtml = (accept: string | undefined) =>
  accept !== undefined && new Negotiator({ headers: { accept } }).mediaType(['text/plain', 'text/html']) === 'text/html'

/** Adds the pages to `app`, whose sources are under `root`. */
export function addDevPages(app: DevPagesApp, root: string): void {
  app.listen('error', (request, response, error) => {
    const unexpected = error.status === 500 && error.cause !== undefined
    if ((error.status !== 404 && !unexpected) || !prefersHtml(request.headers['ACCEPT'])) return
    response.headers['Content-Type'] = 'text/html; charset=utf-8'
    response.body = error.status === 404 ? notFoundPage(request, app.routes ?? []) : errorPage(request, error.cause, root)
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

interface Frame { file: string; line: number; column: number }

// "    at handler (/app/src/app.ts:12:11)" or "    at file:///app/src/app.ts:12:11".
function frameOf(line: string): Frame | undefined {
  const match = /\(?((?:file:\/\/)?[^\s()]+):(\d+):(\d+)\)?$/.exec(line.trim())
  if (!match) return undefined
  const file = match[1].startsWith('file://') ? fileURLToPath(match[1]) : match[1]
  return { file, line: Number(match[2]), column: Number(match[3]) }
}

const isAppFile = (file: string, root: string) => {
  if (!path.isAbsolute(file)) return false // node:events, <anonymous>
  const relative = path.relative(root, file)
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) && !relative.split(path.sep).includes('node_modules')
}

/** Lines 2 before to 2 after `frame`'s, numbered, the line itself marked; '' when the file cannot be read. */
function codeFrame(frame: Frame): string {
  let lines: string[]
  try {
    lines = readFileSync(frame.file, 'utf8').split('\n')
  } catch {
    return ''
  }
  const first = Math.max(1, frame.line - 2)
  const shown = lines.slice(first - 1, frame.line + 2).map((text, i) => {
    const number = first + i
    const row = `${String(number).padStart(4)} │ ${escape(text)}`
    return number === frame.line ? `<span class="mark">${row}</span>` : row
  })
  return `<pre>${shown.join('\n')}</pre>`
}

function errorPage(request: DevRequest, cause: unknown, root: string): string {
  const error = cause instanceof Error ? cause : undefined
  const title = error ? `${error.name}: ${error.message}` : `Thrown value: ${String(cause)}`
  const lines = (error?.stack ?? '').split('\n').slice(1)
  // The app's frames as they are; the others (the framework's, Node's) folded in one line each run.
  const stack: string[] = []
  let folded = 0
  let place: Frame | undefined
  for (const line of lines) {
    const frame = frameOf(line)
    if (frame && isAppFile(frame.file, root)) {
      if (folded > 0) stack.push(`<span class="dim">    … ${folded} frame${folded > 1 ? 's' : ''} of the framework and Node</span>`)
      folded = 0
      place ??= frame
      stack.push(escape(line.replace(root + path.sep, '')))
    } else folded++
  }
  if (folded > 0) stack.push(`<span class="dim">    … ${folded} frame${folded > 1 ? 's' : ''} of the framework and Node</span>`)
  const where = place ? `<p>In <code>${escape(`${path.relative(root, place.file)}:${place.line}:${place.column}`)}</code>:</p>${codeFrame(place)}` : ''
  return page(`500 ${title}`, `<h1>500 Internal Server Error</h1><p><code>${escape(`${request.method} ${request.path}`)}</code> failed with <strong>${escape(title)}</strong></p>${where}<pre>${stack.join('\n')}</pre>`)
}
