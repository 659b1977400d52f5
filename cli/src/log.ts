// Output of the roll commands: a "[roll]" prefix, cyan for news, green for success, red
// for errors, and colours only on a terminal (never with NO_COLOR).
import { styleText } from 'node:util'

type Style = Parameters<typeof styleText>[0]

/** `text` in `style` when `stream` is a terminal (and NO_COLOR is unset), else as it is. */
export const paint = (style: Style, text: string, stream: NodeJS.WriteStream) =>
  // Our own check of the stream, not styleText's (which looks at stdout whatever the stream).
  stream.isTTY && !process.env.NO_COLOR ? styleText(style, text, { validateStream: false }) : text

/** Colours for text printed to stdout (plain when stdout is not a terminal). */
export const color = {
  bold: (text: string) => paint('bold', text, process.stdout),
  dim: (text: string) => paint('dim', text, process.stdout),
  green: (text: string) => paint('green', text, process.stdout),
  cyan: (text: string) => paint('cyan', text, process.stdout),
  yellow: (text: string) => paint('yellow', text, process.stdout),
  red: (text: string) => paint('red', text, process.stderr),
}

/** "[roll] message" on stdout. */
export function info(message: string): void {
  process.stdout.write(`${paint('cyan', '[roll]', process.stdout)} ${message}\n`)
}

/** "[roll] message" on stdout, the prefix in green on a terminal: something worked (built, serving, restarted, fixed). */
export function success(message: string): void {
  process.stdout.write(`${paint('green', '[roll]', process.stdout)} ${message}\n`)
}

/** "[roll] message" on stderr, in red on a terminal. */
export function error(message: string): void {
  process.stderr.write(`${paint('red', '[roll]', process.stderr)} ${message}\n`)
}
