// The first page: what a browser shows at / while you work on the app, and its icon. Plain
// HTML with the CSS inline and no script; change it, or drop it and its routes in src/app.ts.
import type { Request, Response } from '@roll/framework'

/** The routes the page links to, with what each shows. */
const ROUTES = [
  { href: '/hello/world', shows: 'says hello to the path parameter' },
  { href: '/hello/foo', shows: 'an HttpError: a 400 with its message as the body' },
  { href: '/api/greeting?name=Ada', shows: 'JSON, from the query string' },
]

/** `text` with the characters that mean something in HTML escaped. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char])
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** GET /: the page, with a curl command for the host the browser asked. */
export async function home(request: Request, response: Response): Promise<void> {
  const url = `http://${request.host || '127.0.0.1:3579'}/hello/world`
  const links = ROUTES.map(({ href, shows }) => `<li><a href="${escapeHtml(href)}"><code>${escapeHtml(href)}</code></a> ${escapeHtml(shows)}</li>`)
  response.headers['Content-Type'] = 'text/html; charset=utf-8'
  response.body = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>basic · a Roll app</title>
<link rel="icon" href="/favicon.ico" type="image/svg+xml">
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>basic</h1>
<p>Roll's hello app: a route with a path parameter, an HttpError, a JSON route and the logger extension.</p>
<ul>
${links.join('\n')}
</ul>
<p>From a terminal: <code>curl ${escapeHtml(url)}</code></p>
<footer>
<p>Edit <code>src/app.ts</code> and save: <code>npm run dev</code> restarts the app. This page is <code>src/home.ts</code>.</p>
<p>Run the tests with <code>npm test</code>.</p>
</footer>
</main>
</body>
</html>
`
}

/** GET /favicon.ico: a die, in SVG (browsers ask for an icon on every site). */
export async function favicon(request: Request, response: Response): Promise<void> {
  response.headers['Content-Type'] = 'image/svg+xml'
  response.headers['Cache-Control'] = 'public, max-age=86400'
  response.body = ICON
}

const ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect x="2" y="2" width="28" height="28" rx="6" fill="#3b6fd8"/><g fill="#fff"><circle cx="10" cy="10" r="3"/><circle cx="22" cy="10" r="3"/><circle cx="16" cy="16" r="3"/><circle cx="10" cy="22" r="3"/><circle cx="22" cy="22" r="3"/></g></svg>`

const STYLE = `
:root { color-scheme: light dark; font: 16px/1.6 system-ui, sans-serif; }
body { margin: 0; min-height: 100vh; display: grid; place-items: center; }
main { max-width: 38rem; padding: 2rem 1.25rem; }
h1 { font-size: 2.5rem; margin: 0 0 .5rem; }
a { color: #3b6fd8; }
ul { padding-left: 1.25rem; }
li { margin: .4rem 0; }
code { font: .9em ui-monospace, SFMono-Regular, Menlo, monospace; background: rgb(127 127 127 / .15); padding: .1em .35em; border-radius: 4px; }
footer { margin-top: 2rem; border-top: 1px solid rgb(127 127 127 / .3); opacity: .8; }
`
