import { test } from 'node:test'
import assert from 'node:assert/strict'
import { isWebLink, requestsPerMinute } from './open311.ts'

test('only http and https addresses from another system become links', () => {
  assert.equal(isWebLink('https://fixmystreet.example/p/1.jpeg'), true)
  assert.equal(isWebLink('http://12345.example.cn/photo?id=7'), true)
  assert.equal(isWebLink('javascript:alert(1)'), false)
  assert.equal(isWebLink('JavaScript:alert(1)'), false)
  assert.equal(isWebLink('data:text/html,<script>alert(1)</script>'), false)
  assert.equal(isWebLink('//fixmystreet.example/p/1.jpeg'), false)
  assert.equal(isWebLink('fixmystreet.example/p/1.jpeg'), false)
  assert.equal(isWebLink(''), false)
})

test('an empty budget is the default, a whole number is sent, anything else is refused before sending', () => {
  assert.equal(requestsPerMinute(''), null)
  assert.equal(requestsPerMinute('  '), null)
  assert.equal(requestsPerMinute(' 120 '), 120)
  assert.equal(requestsPerMinute('20000'), 20000) // out of range: the API says so at the field
  assert.equal(requestsPerMinute('1.5'), 'invalid')
  assert.equal(requestsPerMinute('-5'), 'invalid')
  assert.equal(requestsPerMinute('六十'), 'invalid')
})
