// Tests through the in-process client: the guide's request, then every way it can be wrong.
import { createClient } from '@roll/framework/testing'
import { afterAll, describe, expect, it } from 'vitest'
import { app, MyQuery } from '../src/app.js'

const client = createClient(app)
afterAll(() => client.close())

describe('/hello/', () => {
  it("answers the date of Roll's guide", async () => {
    const resp = await client.get('/hello/?year=2017&month=9&day=20')
    expect(resp.status).toBe(200)
    expect(resp.text).toBe('2017-09-20')
  })

  it('knows leap years', async () => {
    expect((await client.get('/hello/?year=2016&month=2&day=29')).text).toBe('2016-02-29')
  })

  it.each([
    ['a missing key', 'year=2017&month=9', "Missing 'day' key"],
    ['a month that is not a number', 'year=2017&month=sept&day=20', "'month'"],
    ['month 13', 'year=2017&month=13&day=1', "Invalid 'month' key"],
    ['month 0', 'year=2017&month=0&day=1', "Invalid 'month' key"],
    ['February 30', 'year=2017&month=2&day=30', "Invalid 'day' key"],
    ['February 29 of a common year', 'year=2017&month=2&day=29', "Invalid 'day' key"],
    ['day 0', 'year=2017&month=9&day=0', "Invalid 'day' key"],
    ['year 0', 'year=0&month=9&day=20', "Invalid 'year' key"],
  ])('answers 400 naming the key for %s', async (_, query, message) => {
    const resp = await client.get(`/hello/?${query}`)
    expect(resp.status).toBe(400)
    expect(resp.text).toContain(message)
  })
})

describe('MyQuery', () => {
  it('is the class of request.query', () => {
    expect(app.Query).toBe(MyQuery)
  })

  it('builds a date at midnight UTC', () => {
    const query = new MyQuery({ year: ['99'], month: ['12'], day: ['31'] })
    expect(query.date.toISOString()).toBe('0099-12-31T00:00:00.000Z')
  })
})
