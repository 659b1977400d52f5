// igniter: a big banner at startup. Quite useless, hence so essential.
import type { Roll } from '../index.js'

const BANNER = String.raw`
 _          _                        _ _
| |        | |  ()                  | | |
| |     ___| |_  / ___     ____ ___ | | |
| |    / _ \ __|  / __|   |  __/ _ \| | |
| |___|  __/ |_   \__ \   | | | (_) | | |
|______\___|\__|  |___/   |_|  \___/|_|_| ()
`

/**
 * Prints a big "Let's roll" banner on stdout when the app starts.
 * @example igniter(app)
 */
export function igniter(app: Roll): void {
  app.listen('startup', () => { console.log(BANNER) })
}
