// The first page: what a browser shows at / while you work on the app, and its icon. Plain
// HTML with the CSS inline and no script; change it, or drop it and its routes in src/app.ts.
import type { Handler, Request, Response } from '@roll/framework'

/** `text` with the characters that mean something in HTML escaped. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ENTITIES[char])
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/**
 * GET /: the public page. `configured` tells whether the app has credentials, to say how
 * to log in or how to set them; the page never shows the credentials themselves.
 */
export function home(configured: boolean): Handler {
  const credentials = configured
    ? '<p>Log in with the user name and password of <code>AUTH_USERNAME</code> and <code>AUTH_PASSWORD</code> (from the environment or <code>.env</code>).</p>'
    : `<p class="warning"><code>AUTH_USERNAME</code> and <code>AUTH_PASSWORD</code> are not set, so <code>/private</code> answers 401 to everyone.
Copy <code>.env.example</code> to <code>.env</code> and change the password (<code>npm run dev</code> restarts with it),
or run <code>AUTH_USERNAME=ada AUTH_PASSWORD='a long passphrase' npm run dev</code>.</p>`
  return async function homePage(request: Request, response: Response) {
    const url = `http://${request.host || '127.0.0.1:3579'}/private`
    response.headers['Content-Type'] = 'text/html; charset=utf-8'
    response.body = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>auth · a Roll app</title>
<link rel="icon" href="/favicon.ico" type="image/svg+xml">
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>auth</h1>
<p>HTTP Basic authentication with an <code>authRequired</code> wrapper. This page is public; the routes below ask for a user name and a password.</p>
<ul>
<li><a href="/private"><code>/private</code></a> the protected route: your browser asks for the credentials, then it says hello</li>
<li><code>/private/ws</code> a websocket behind the same check, refused with a 401 before the upgrade</li>
</ul>
${credentials}
<p>From a terminal: <code>curl -u "$AUTH_USERNAME:$AUTH_PASSWORD" ${escapeHtml(url)}</code></p>
<footer>
<p>Edit <code>src/app.ts</code> (the routes) and <code>src/auth.ts</code> (the check) and save: <code>npm run dev</code> restarts the app. This page is <code>src/home.ts</code>.</p>
<p>Run the tests with <code>npm test</code>.</p>
</footer>
</main>
</body>
</html>
`
  }
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
.warning { border-left: 4px solid #d89b3b; padding-left: .75rem; }
footer { margin-top: 2rem; border-top: 1px solid rgb(127 127 127 / .3); opacity: .8; }
`
