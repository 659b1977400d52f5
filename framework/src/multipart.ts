// Parses a multipart/form-data body into Form and Files, streaming it through busboy.
import type busboy from 'busboy'
import { HttpError } from './errors.js'
import type { Files, Form, UploadedFile } from './multidict.js'

function uploadedFile(filename: string, contentType: string, data: Buffer): UploadedFile {
  return { filename, contentType, data, size: data.length, text: () => data.toString('utf8') }
}

// Roll (multifruits) reads a quoted `filename*` of raw bytes, `filename*="iso-8859-1''caf\xe9.png"`,
// which is no RFC 5987 ext-value, so busboy drops its part: busboy gets it unquoted and percent-encoded.
function unquoteFilenameStar(body: Buffer, boundary: string | undefined): Buffer {
  if (boundary === undefined || body.indexOf('*="') === -1) return body
  const delimiter = `--${boundary}\r\n`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') // in part headers only, never in data
  const quoted = new RegExp(`((?:^|\r\n)${delimiter}(?:[^\r\n]+\r\n)*?content-disposition:[^\r\n]*?filename\\*=)"([^"\r\n]*)"`, 'gi')
  const percent = (byte: string) => `%${byte.charCodeAt(0).toString(16).padStart(2, '0')}`
  return Buffer.from(body.toString('latin1').replace(quoted, (_, head, value: string) => head + value.replace(/[^\w!#$&+.^`|~%'-]/g, percent)), 'latin1')
}

// RFC 2046 §5.1.1: after the close delimiter come only padding and a CRLF-led epilogue.
// busboy ignores whatever follows it, so a body like `--b--garbage` would pass as empty.
function endsWell(body: Buffer, boundary: string | undefined): boolean {
  if (boundary === undefined) return true
  const close = `--${boundary}--`
  const start = body.toString('latin1', 0, close.length) === close ? 0 : body.indexOf(`\r\n${close}`) + 2
  if (start === 1) return true // no close delimiter: busboy reports the unexpected end
  const end = start + close.length
  return /^[ \t]*(\r\n|$)/.test(body.toString('latin1', end, end + 80))
}

/** Fills `form` and `files` from `body`; a malformed body is a 400 "Unparsable multipart body". */
export async function parseMultipart(body: Buffer, contentType: string, form: Form, files: Files): Promise<void> {
  const { default: busboy } = await import('busboy') // at the first multipart body: an app starts without it
  const found = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType)
  const boundary = found === null ? undefined : found[1] ?? found[2]
  return new Promise((resolve, reject) => {
    const fail = (cause: unknown) => reject(new HttpError(400, 'Unparsable multipart body', { cause }))
    let parser: busboy.Busboy
    try {
      // The body is already bounded by maxBodySize, so busboy needs no limits of its own;
      // browsers send non-ASCII filenames as raw UTF-8.
      parser = busboy({ headers: { 'content-type': contentType }, defParamCharset: 'utf8', limits: { fieldSize: Infinity } })
    } catch (error) {
      return fail(error)
    }
    const pending: Promise<void>[] = []
    parser.on('field', (name, value) => form.add(name, value))
    parser.on('file', (name, stream, info) => {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      // A body that ends inside a file part errors this stream as well as the parser:
      // unheard, that error would kill the process.
      pending.push(new Promise((done, failed) => {
        stream.on('error', failed)
        stream.on('end', () => {
          files.add(name, uploadedFile(info.filename ?? '', info.mimeType, Buffer.concat(chunks)))
          done()
        })
      }))
    })
    parser.on('error', fail)
    parser.on('close', () => Promise.all(pending).then(
      () => (endsWell(body, boundary) ? resolve() : fail(new Error('data after the close delimiter'))),
      fail,
    ))
    parser.end(unquoteFilenameStar(body, boundary))
  })
}
