// The first page and its icon: at / the browser gets public/index.html, the page to try the
// websocket (also served at /static/), and at /favicon.ico a die in SVG instead of a 404.
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { Handler, Request, Response } from '@roll/framework'

/** GET /: `index.html` of the `root` folder, read on each request, so an edit shows on reload. */
export function home(root: string): Handler {
  const file = path.join(root, 'index.html')
  return async function homePage(request: Request, response: Response) {
    response.headers['Content-Type'] = 'text/html; charset=utf-8'
    response.body = await readFile(file)
  }
}

/** GET /favicon.ico: a die, in SVG (browsers ask for an icon on every site). */
export async function favicon(request: Request, response: Response): Promise<void> {
  response.headers['Content-Type'] = 'image/svg+xml'
  response.headers['Cache-Control'] = 'public, max-age=86400'
  response.body = ICON
}

const ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect x="2" y="2" width="28" height="28" rx="6" fill="#3b6fd8"/><g fill="#fff"><circle cx="10" cy="10" r="3"/><circle cx="22" cy="10" r="3"/><circle cx="16" cy="16" r="3"/><circle cx="10" cy="22" r="3"/><circle cx="22" cy="22" r="3"/></g></svg>`
