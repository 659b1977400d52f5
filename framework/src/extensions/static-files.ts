// staticFiles: serves the files under a folder, registered at startup as Roll does.
// For development: a production site puts a web server or a CDN in front.
import type { Stats } from 'node:fs'
import { open, realpath, stat } from 'node:fs/promises'
import { basename, isAbsolute, join, resolve, sep } from 'node:path'
import { HttpError, type Request, type Response, type Roll } from '../index.js'

let mime: typeof import('mime-types') | undefined // loaded at the first file served: its tables take 10-30 ms to load

/** Options of `staticFiles`. */
export interface StaticFilesOptions {
  /** URL prefix. Default `'/static/'`. */
  prefix?: string
  /** Folder served. Default `process.cwd()`. */
  root?: string
  /** File served for a folder, e.g. `'index.html'`; without it, folders are 404. Default `''`. */
  defaultIndex?: string
  /** The route's name for `namedUrl` (`urlFor('static', { path })`). Default `'static'`. */
  name?: string
}

const isWithin = (root: string, path: string) => path === root || path.startsWith(root.endsWith(sep) ? root : root + sep)

// Never trust the path: no `..` (any encoding: the path is decoded), no encoded slash, backslash or NUL.
const isSuspicious = (request: Request, path: string) =>
  /%(2f|5c|00)/i.test(request.url.split('?')[0]) || /[\\\0]/.test(path) || isAbsolute(path) || path.split('/').includes('..')

async function resolveFile(root: string, candidate: string) {
  const file = await realpath(candidate).catch(() => undefined)
  // A symlink leading out of root is answered as a missing file.
  if (file === undefined || !isWithin(root, file)) throw new HttpError(404)
  return { file, stats: await stat(file) }
}

// The file is opened when the response is written, so nothing is left open if it never is;
// the handler checked it by path (realpath under root, stat), so the descriptor is streamed
// only if it is that very file (device, inode, size): a path swapped in between (a symlink
// out of root) is never served, the response is cut short instead.
async function* streamChecked(file: string, checked: Stats) {
  const handle = await open(file)
  try {
    const opened = await handle.stat()
    if (opened.dev !== checked.dev || opened.ino !== checked.ino || opened.size !== checked.size) {
      throw new Error(`staticFiles(): '${file}' changed between its check and its opening; not served`)
    }
    yield* handle.createReadStream()
  } finally {
    await handle.close()
  }
}

/**
 * Serves the files under `root` at `prefix`, streamed, with the Content-Type of their
 * extension; anything resolving outside `root` is 400 or 404, never served.
 * @example staticFiles(app, { root: 'public', defaultIndex: 'index.html' })
 */
export function staticFiles(app: Roll, options: StaticFilesOptions = {}): void {
  const { root = process.cwd(), defaultIndex = '', name = 'static' } = options
  let prefix = options.prefix ?? '/static/'
  if (!prefix.startsWith('/')) throw new TypeError(`staticFiles(): prefix must start with '/', got '${prefix}'.`)
  if (!prefix.endsWith('/')) prefix += '/'
  const findRoot = () => realpath(resolve(root)).catch(() => undefined)
  let realRoot: string | undefined

  async function serve(request: Request, response: Response, { path }: { path: string }) {
    if (isSuspicious(request, path)) throw new HttpError(400, 'Invalid file path')
    realRoot ??= await findRoot() // missing at startup: it may exist by now
    if (realRoot === undefined) throw new HttpError(404)
    let { file, stats } = await resolveFile(realRoot, join(realRoot, path))
    if (stats.isDirectory()) {
      if (!defaultIndex) throw new HttpError(404)
      ;({ file, stats } = await resolveFile(realRoot, join(file, defaultIndex)))
    }
    if (!stats.isFile()) throw new HttpError(404)
    mime ??= await import('mime-types')
    response.headers['Content-Type'] = mime.contentType(basename(file)) || 'application/octet-stream'
    response.headers['Content-Length'] = stats.size
    response.body = streamChecked(file, stats)
  }

  app.listen('startup', async () => {
    // Roll accepts a missing root too: its requests are 404 until the folder exists.
    realRoot = await findRoot()
    if (realRoot === undefined) {
      console.warn(`staticFiles(): the \`root\` folder '${resolve(root)}' does not exist, so ${prefix} answers 404 until it does; create it or pass another \`root\`.`)
    }
    app.route(`${prefix}{path:any}`, { name }, serve)
  })
}
