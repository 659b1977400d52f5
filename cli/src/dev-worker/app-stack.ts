// An error's stack as roll dev shows it, in the terminal and in the browser: the app's
// frames (source-mapped to its .ts files), the others folded, and the app's first line
// with the lines around it.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { paint } from '../log.js'

/** A place in a file, from a stack frame. */
export interface Frame { file: string; line: number; column: number }

/** One line of a trimmed stack: an app frame as written (paths relative to the app), or a count of folded ones. */
export type StackLine = { frame: string } | { folded: number }

/** A line of the app's source around `place`, numbered; `marked` is the line itself. */
export interface CodeLine { number: number; text: string; marked: boolean }

/** What roll dev shows of an error. */
export interface AppStack {
  /** `TypeError: boom`, or `Thrown value: …` for what is not an Error. */
  title: string
  /** The first frame in the app's sources, and its line with 2 before and 2 after (none when the file cannot be read). */
  place?: Frame & { shown: string; code: CodeLine[] }
  lines: StackLine[]
}

// "    at handler (/app/src/app.ts:12:11)" or "    at file:///app/src/app.ts:12:11".
function frameOf(line: string): Frame | undefined {
  const match = /\(?((?:file:\/\/)?[^\s()]+):(\d+):(\d+)\)?$/.exec(line.trim())
  if (!match) return undefined
  const file = match[1].startsWith('file://') ? fileURLToPath(match[1]) : match[1]
  return { file, line: Number(match[2]), column: Number(match[3]) }
}

function isAppFile(file: string, root: string): boolean {
  if (!path.isAbsolute(file)) return false // node:events, <anonymous>
  const relative = path.relative(root, file)
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) && !relative.split(path.sep).includes('node_modules')
}

/** `thrown`'s stack, trimmed to the frames of the app under `root`. */
export function appStack(thrown: unknown, root: string): AppStack {
  const error = thrown instanceof Error ? thrown : undefined
  const title = error ? `${error.name}: ${error.message}` : `Thrown value: ${String(thrown)}`
  const lines: StackLine[] = []
  let place: AppStack['place']
  for (const line of (error?.stack ?? '').split('\n').slice(1)) {
    const frame = frameOf(line)
    if (frame && isAppFile(frame.file, root)) {
      place ??= { ...frame, shown: `${path.relative(root, frame.file)}:${frame.line}:${frame.column}`, code: codeLines(frame) }
      lines.push({ frame: line.trim().replace(root + path.sep, '') })
    } else if (frame || line.trim().startsWith('at ')) {
      const last = lines.at(-1)
      if (last !== undefined && 'folded' in last) last.folded++
      else lines.push({ folded: 1 })
    }
  }
  return { title, place, lines }
}

function codeLines(frame: Frame): CodeLine[] {
  let lines: string[]
  try {
    lines = readFileSync(frame.file, 'utf8').split('\n')
  } catch {
    return []
  }
  const first = Math.max(1, frame.line - 2)
  return lines.slice(first - 1, frame.line + 2).map((text, i) => ({ number: first + i, text, marked: first + i === frame.line }))
}

/** "… 3 frames of the framework and Node" */
export const foldedText = (count: number) => `… ${count} frame${count > 1 ? 's' : ''} of the framework and Node`

/** What follows the framework's one line in the terminal: the app's line in a code frame, the app's frames, the rest folded (dim). */
export function terminalReport({ place, lines }: AppStack): string {
  const out: string[] = []
  if (place) {
    out.push(`  ${place.shown}`)
    for (const { number, text, marked } of place.code) out.push(`${marked ? '> ' : '  '}${String(number).padStart(4)} │ ${text}`)
  }
  for (const line of lines) out.push('frame' in line ? `    ${line.frame}` : paint('dim', `    ${foldedText(line.folded)}`, process.stderr))
  return out.length > 0 ? `${out.join('\n')}\n` : ''
}
