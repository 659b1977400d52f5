// The app: Roll's "How to subclass Roll itself". MyRoll builds every request's query with
// MyQuery, whose `date` getter turns year, month and day into a date, or a 400 naming the
// bad key; `/` is a first page linking to it. It never listens: `roll dev`, `roll start`, dist/server.mjs and the tests serve it.
import { HttpError, HTTPStatus, Query, Roll } from '@roll/framework'
import { favicon, home } from './home.js'

/** A query string that knows dates: `?year=2017&month=9&day=20`. */
export class MyQuery extends Query {
  /** The date of `year`, `month` and `day`, at midnight UTC; a 400 naming the key that is missing or invalid. */
  get date(): Date {
    // int() answers 400 itself for a missing key ("Missing 'year' key") or a non-integer.
    const year = this.int('year')
    const month = this.int('month')
    const day = this.int('day')
    if (year < 1 || year > 9999) throw invalid('year', `${year} is not between 1 and 9999`)
    if (month < 1 || month > 12) throw invalid('month', `${month} is not between 1 and 12`)
    const days = utcDate(year, month + 1, 0).getUTCDate()
    if (day < 1 || day > days) throw invalid('day', `${pad(year, 4)}-${pad(month, 2)} has days 1 to ${days}, not ${day}`)
    return utcDate(year, month, day)
  }
}

/** Roll, building its queries with MyQuery. */
export class MyRoll extends Roll {
  Query = MyQuery
}

function invalid(key: string, reason: string): HttpError {
  return new HttpError(HTTPStatus.BAD_REQUEST, `Invalid '${key}' key: ${reason}`)
}

// Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear takes them as they are.
function utcDate(year: number, month: number, day: number): Date {
  const date = new Date(0)
  date.setUTCFullYear(year, month - 1, day)
  return date
}

const pad = (value: number, length: number) => String(value).padStart(length, '0')

/** `2017-09-20`: the ISO form of a date's UTC day. */
export const isoDay = (date: Date) => `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}`

export const app = new MyRoll()

// The page a browser shows at / (links to /hello/ with good and bad dates), and its icon.
app.route('/', home)
app.route('/favicon.ico', favicon)

app.route('/hello/', async (request, response) => {
  // request.query is built by MyRoll's Query, so it is a MyQuery.
  const query = request.query as MyQuery
  response.body = isoDay(query.date)
})
