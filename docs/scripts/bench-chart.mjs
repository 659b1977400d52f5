// Turns a saved report of `npm run bench` (all of it, or `--only framework`) into an
// SVG chart of Roll's CPU time per request against fastify's and raw node:http's.
// Usage: node docs/scripts/bench-chart.mjs [report] [svg]
//   default: docs/bench/framework.txt → docs/public/bench-ratios.svg
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const here = (path) => fileURLToPath(new URL(path, import.meta.url))

// The ratios charted, by their column in the report: Roll from the workspace, then Roll
// as `roll build` ships it (older reports have only the first two).
const SERIES = [
  ['roll/fastify CPU', 'roll ÷ fastify', '#3c8772'],
  ['built/fastify CPU', 'built ÷ fastify', '#7fbfa9'],
  ['roll/raw CPU', 'roll ÷ raw', '#8a6bbf'],
  ['built/raw CPU', 'built ÷ raw', '#c2aee3'],
]

/** The summary rows of a framework report: per route, each ratio's median, min and max. */
export function parseReport(text) {
  const lines = text.split('\n')
  const header = lines.findIndex((line) => line.startsWith('route ') && line.includes('roll/fastify'))
  if (header === -1) throw new Error('No summary table (a line starting with "route" naming roll/fastify) in the report.')
  const title = lines[header - 1]?.trim() ?? ''
  // Columns are two or more spaces apart; every column but the route is one "median (min–max)".
  const titles = lines[header].trim().split(/\s{2,}/).slice(1)
  const series = SERIES.filter(([column]) => titles.includes(column))
  const rows = []
  for (const line of lines.slice(header + 1)) {
    const cells = [...line.matchAll(/(\d+(?:\.\d+)?) \((\d+(?:\.\d+)?)–(\d+(?:\.\d+)?)\)/g)].map((match) => match.slice(1).map(Number))
    const route = line.split(/\s+/)[0]
    if (!route || cells.length !== titles.length) break
    const ratios = {}
    for (const [column] of series) {
      const [median, min, max] = cells[titles.indexOf(column)]
      ratios[column] = { median, min, max }
    }
    rows.push({ route, ratios })
  }
  if (!rows.length) throw new Error('The summary table of the report has no rows.')
  return { title, series, rows }
}

const escape = (text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** A horizontal bar chart: per route, each ratio of CPU per request, with min–max whiskers. */
export function chart({ title, series, rows }) {
  const left = 70, top = 56, bar = 12, gap = 3, groupGap = 18, width = 640, plotWidth = 470
  const end = Math.max(1.5, ...rows.flatMap((row) => series.map(([column]) => row.ratios[column].max)))
  const scale = (ratio) => (left + (ratio / end) * plotWidth).toFixed(1)
  const group = series.length * (bar + gap) - gap + groupGap
  const height = top + rows.length * group + 40
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" font-family="system-ui, sans-serif" font-size="12">`,
    `<title>Roll's CPU time per request, as a ratio to fastify's and raw node:http's</title>`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${left}" y="20" font-size="14" font-weight="600">CPU per request, Roll ÷ the other server (lower is better)</text>`,
    `<text x="${left}" y="38" fill="#555">${escape(title.replace(/, autocannon.*/, ''))}</text>`,
  ]
  for (let tick = 0; tick <= end + 1e-9; tick += 0.25) {
    const x = scale(tick)
    parts.push(`<line x1="${x}" y1="${top - 6}" x2="${x}" y2="${height - 34}" stroke="${Math.abs(tick - 1) < 1e-9 ? '#333' : '#e3e3e3'}"/>`)
    parts.push(`<text x="${x}" y="${height - 20}" text-anchor="middle" fill="#555">${tick.toFixed(2)}</text>`)
  }
  rows.forEach((row, index) => {
    const y0 = top + index * group
    parts.push(`<text x="${left - 8}" y="${y0 + (group - groupGap) / 2 + 4}" text-anchor="end">${escape(row.route)}</text>`)
    series.forEach(([column, , colour], which) => {
      const { median, min, max } = row.ratios[column]
      const y = y0 + which * (bar + gap)
      parts.push(`<rect x="${left}" y="${y}" width="${(scale(median) - left).toFixed(1)}" height="${bar}" fill="${colour}"/>`)
      parts.push(`<line x1="${scale(min)}" y1="${y + bar / 2}" x2="${scale(max)}" y2="${y + bar / 2}" stroke="#222"/>`)
      parts.push(`<text x="${Number(scale(max)) + 4}" y="${y + bar - 3}">${median.toFixed(2)}</text>`)
    })
  })
  series.forEach(([, label, colour], which) => {
    const x = left + which * 140
    parts.push(`<rect x="${x}" y="${height - 12}" width="10" height="10" fill="${colour}"/><text x="${x + 14}" y="${height - 3}">${label}</text>`)
  })
  parts.push('</svg>')
  return `${parts.join('\n')}\n`
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [report = here('../bench/framework.txt'), svg = here('../public/bench-ratios.svg')] = process.argv.slice(2)
  writeFileSync(svg, chart(parseReport(readFileSync(report, 'utf8'))))
  console.log(`wrote ${svg}`)
}
