// Ad-hoc visual check, not a test suite: screenshots of every page at phone and desktop sizes,
// with the API mocked in the browser and the production CSP applied to the page. The citizen pages
// at 360 and 1280 px, the staff console (sign-in, queue, case, registration, notification settings,
// administration with the outbox) at 390 and 1280 px; the console's API is mocked by scripts/console-mock.mjs.
//
//   npm run build && npx vite preview --port 4173 &
//   npm run screenshot     # env: BASE_URL (default http://127.0.0.1:4173/), OUT (default <os tmpdir>/feedback-shots), CHROMIUM,
//                          #      PAGES (citizen, console or all: the default)
//
// Needs a Chromium (CHROMIUM=/usr/bin/chromium by default) and, for readable Chinese, a CJK font.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { chromium } from 'playwright-core'
import { consoleApi } from './console-mock.mjs'

const BASE = process.env.BASE_URL ?? 'http://127.0.0.1:4173/'
const OUT = process.env.OUT ?? join(tmpdir(), 'feedback-shots')
const PAGES = process.env.PAGES ?? 'all'
const CSP = "default-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
mkdirSync(OUT, { recursive: true })

const zh = (req) => !/^en/i.test(req.headers()['accept-language'] ?? '')
const categories = (isZh) => [
  ['water.industrial', 'water', isZh ? '水污染' : 'Water', isZh ? '工业废水偷排' : 'Industrial waste water', isZh ? '企业偷排、漏排、超标排放废水。请写明企业名称和排放位置。' : 'A company discharging waste water. Name the company and the outlet.'],
  ['water.drinking', 'water', isZh ? '水污染' : 'Water', isZh ? '饮用水源' : 'Drinking water source', isZh ? '饮用水水源保护区内的污染。' : 'Pollution in a drinking-water protection zone.'],
  ['air.odor', 'air', isZh ? '大气污染' : 'Air', isZh ? '异味、臭气' : 'Odour', isZh ? '工厂、养殖场等散发的异味。请写明时间段。' : 'Smells from factories or farms. Say at what times.'],
  ['noise.construction', 'noise', isZh ? '噪声污染' : 'Noise', isZh ? '建筑施工噪声' : 'Construction noise', isZh ? '夜间施工、打桩等噪声。' : 'Night-time building work, piling.'],
  ['conduct.formalism', 'conduct', isZh ? '作风问题' : 'Staff conduct', isZh ? '形式主义' : 'Formalism', isZh ? '只做表面文章、应付检查、不解决实际问题。' : 'Going through the motions for show instead of solving the problem.'],
  ['conduct.bureaucratism', 'conduct', isZh ? '作风问题' : 'Staff conduct', isZh ? '官僚主义' : 'Bureaucratism', isZh ? '门难进、脸难看、事难办，推诿扯皮。' : 'Being hard to reach, rude, or passing the buck.'],
  ['conduct.inaction', 'conduct', isZh ? '作风问题' : 'Staff conduct', isZh ? '不作为、慢作为' : 'Inaction', isZh ? '工作人员推诿、拖延、不履职。' : 'Staff shirking or delaying their duties.'],
  ['suggestion', 'suggestion', isZh ? '意见建议' : 'Suggestions', isZh ? '意见建议' : 'Suggestion', isZh ? '对环保工作的意见和建议。' : 'Ideas for our work.'],
].map(([code, group, groupName, name, description]) => ({
  code, group, groupName, name, description, confidential: group === 'conduct', acceptWithinDays: 2, resolveWithinDays: code === 'water.drinking' ? 7 : 15,
}))

const problem = (status, extra = {}) => ({
  status,
  contentType: 'application/problem+json',
  body: JSON.stringify({ type: 'about:blank', title: 'Error', status, traceId: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', ...extra }),
})

async function mockApi(page, mode = {}) {
  const state = {}
  await page.route('**/*', async (route) => {
    const req = route.request()
    const url = new URL(req.url())
    if (req.resourceType() === 'document') {
      const res = await route.fetch()
      return route.fulfill({ response: res, headers: { ...res.headers(), 'content-security-policy': CSP } })
    }
    if (!url.pathname.startsWith('/api/')) return route.continue()
    const isZh = zh(req)
    if (url.pathname === '/api/v1/categories') return route.fulfill({ json: categories(isZh) })
    if (url.pathname === '/api/v1/townships') {
      const list = [['剡湖街道', 'Shanhu Subdistrict'], ['三江街道', 'Sanjiang Subdistrict'], ['鹿山街道', 'Lushan Subdistrict'], ['甘霖镇', 'Ganlin Town']]
      return route.fulfill({ json: list.map(([value, en]) => ({ value, name: isZh ? value : en })) })
    }
    const staff = consoleApi(req, url, isZh, state, mode)
    if (staff) return route.fulfill(staff)
    if (url.pathname === '/api/v1/complaints' && req.method() === 'POST') {
      if (mode.submit === 'invalid') {
        return route.fulfill(problem(400, {
          title: isZh ? '提交的内容有误' : 'One or more validation errors occurred.',
          errors: {
            description: [isZh ? '问题描述不能超过 4000 个字。' : 'Description must be at most 4000 characters.'],
            'contact.phone': [isZh ? '手机号码格式不正确。' : 'Not a valid mobile number.'],
          },
        }))
      }
      if (mode.submit === 'down') return route.fulfill(problem(503))
      return route.fulfill({ status: 201, json: {
        trackingCode: 'HB7KM2QX9TAE', queryPassword: 'P4SSW0RDX7YZ'.replace('0', '8'), status: 'submitted',
        categoryCode: 'water.industrial', sectionCode: 'enforcement', submittedAt: new Date().toISOString(), acceptBy: '2025-12-01', resolveBy: '2025-12-22',
      } })
    }
    if (url.pathname === '/api/v1/notification-channels') return route.fulfill({ json: { channels: mode.channels ?? ['sms', 'email'] } })
    if (url.pathname.endsWith('/new-query-password')) {
      const sms = req.postDataJSON()?.channel === 'sms'
      return route.fulfill({ status: 202, json: { message: isZh
        ? `如果该查询编号存在并留有同意接收通知的${sms ? '手机号码' : '电子邮箱'}，新的查询密码已发送到该${sms ? '号码' : '邮箱'}，原密码随之失效。`
        : `If this tracking code exists and has ${sms ? 'a mobile number' : 'an email address'} that agreed to be told, a new query password has been sent to it and the old one no longer works.` } })
    }
    if (url.pathname === '/api/v1/notifications/unsubscribe') {
      if (req.postDataJSON()?.token !== '0f1e2d3c4b5a69788796a5b4c3d2e1f0') {
        return route.fulfill(problem(404, { title: isZh ? '退订链接无效，请使用邮件中的完整链接' : 'This unsubscribe link is not valid: use the whole link from the email' }))
      }
      return route.fulfill({ json: { channel: 'email', cases: 2 } })
    }
    if (url.pathname.startsWith('/api/v1/complaints/')) {
      if (req.headers()['x-query-password'] !== 'P4SSW8RDX7YZ') return route.fulfill(problem(404))
      return route.fulfill({ json: {
        trackingCode: 'HB7KM2QX9TAE', status: 'in_progress', categoryCode: 'water.industrial',
        categoryName: isZh ? '工业废水偷排' : 'Industrial waste water', sectionName: isZh ? '环境执法大队' : 'Enforcement brigade',
        submittedAt: '2025-11-26T08:26:00Z', acceptBy: '2025-11-28', resolveBy: '2025-12-19',
        township: isZh ? '三江街道' : 'Sanjiang', address: null, outcome: null, photos: [],
        followUp: { resolvedAt: null, evaluateBy: null, reviewBy: null, canEvaluate: false, canReview: false, evaluation: null, reviewRequestedAt: null, closedAt: null },
        description: isZh ? '河边的化工厂每天夜里往河里排放黄色废水。' : 'The chemical works by the river discharges yellow waste water every night.',
        timeline: [
          { type: 'accepted', at: '2025-11-27T01:10:00Z', message: isZh ? '已受理，执法人员将于三个工作日内到现场核查。' : 'Accepted; inspectors will visit within three working days.' },
          { type: 'submitted', at: '2025-11-26T08:26:00Z', message: isZh ? '投诉已提交。' : 'Complaint submitted.' },
          { type: 'in_progress', at: '2025-11-28T06:45:00Z', message: '<b>现场核查</b>：排污口已封堵。\n第二行文字。' },
        ],
        notifyBy: ['sms', 'email'],
        notices: [
          ['receipt', isZh ? '受理回执' : 'Receipt', 'sms', 'sent', '2025-11-26T08:26:05Z'],
          ['receipt', isZh ? '受理回执' : 'Receipt', 'email', 'sent', '2025-11-26T08:26:07Z'],
          ['accepted', isZh ? '已受理' : 'Accepted', 'sms', 'failed', null],
          ['accepted', isZh ? '已受理' : 'Accepted', 'email', 'sent', '2025-11-27T01:10:09Z'],
          ['reply', isZh ? '公开答复' : 'Public reply', 'email', 'waiting', null],
        ].map(([kind, name, channel, status, sentAt]) => ({ kind, name, channel, status, createdAt: sentAt ?? '2025-11-28T06:45:00Z', sentAt })),
      } })
    }
    if (url.pathname === '/api/v1/public/bulletins') return route.fulfill({ json: { months: [] } })
    if (url.pathname === '/api/v1/service-area') return route.fulfill({ json: { south: 29.3, west: 120.5, north: 29.9, east: 121.2 } })
    return route.fulfill(problem(404))
  })
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
})
const problems = []
const sizes = { phone: { width: 360, height: 740 }, desktop: { width: 1280, height: 800 }, phone390: { width: 390, height: 844 } }

async function session(sizeName, locale, fn, mode) {
  const context = await browser.newContext({ viewport: sizes[sizeName], deviceScaleFactor: 1, locale: locale === 'en' ? 'en-GB' : 'zh-CN', timezoneId: 'Asia/Shanghai' })
  const page = await context.newPage()
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`${sizeName} console ${m.type()}: ${m.text()}`) })
  page.on('pageerror', (e) => problems.push(`${sizeName} pageerror: ${e.message}`))
  await mockApi(page, mode)
  if (locale === 'en') await page.addInitScript(() => localStorage.setItem('feedback.locale', 'en'))
  const shot = async (name) => {
    const file = join(OUT, `${name}-${locale}-${sizeName}.png`)
    await page.screenshot({ path: file, fullPage: true })
    console.log(file)
  }
  await fn(page, shot)
  await context.close()
}

for (const sizeName of PAGES === 'console' ? [] : ['phone', 'desktop']) {
  for (const locale of ['zh', 'en']) {
    await session(sizeName, locale, async (page, shot) => {
      await page.goto(BASE)
      await page.waitForSelector('#f-category:not([disabled])')
      await shot('1-submit-empty')
      await page.locator('#f-category').selectOption('conduct.inaction')
      await page.locator('#f-phone').fill('12345')
      await page.locator('#f-email').fill('not-an-email')
      await page.locator('form button[type=submit]').click()
      await shot('2-submit-client-errors')
      await page.locator('#f-category').selectOption('water.industrial')
      await page.locator('#f-description').fill('河边的化工厂每天夜里十一点以后往河里排放黄色废水，气味刺鼻，已经持续两周。🐟'.repeat(2))
      await page.locator('#f-address').fill('城南工业园区 12 号东侧排污口')
      await page.locator('#f-phone').fill('138 0013 8000')
      await page.locator('#f-email').fill('')
      await page.reload()
      await page.waitForSelector('#f-category:not([disabled])')
      await shot('3-submit-draft-restored')
      await page.locator('form button[type=submit]').click()
      await page.waitForSelector('[data-testid=tracking-code]')
      await page.reload()
      await page.waitForSelector('[data-testid=tracking-code]')
      await shot('4-submitted')
      await page.getByRole('link', { name: locale === 'zh' ? '查询进度' : 'Track progress' }).last().click()
      await page.waitForSelector('#t-password')
      await page.locator('#t-password').fill('p4ss-w8rd-x7yz')
      await page.locator('form button[type=submit]').click()
      await page.waitForSelector('[data-testid=status]')
      await shot('5-track-result')
      await page.goto(`${BASE}#/track?code=HB7KM2QX9TAE`)
      await page.reload()
      await page.locator('#t-password').fill('WRONGWRONGXX'.replace(/O/g, '8').replace(/I/g, '9'))
      await page.locator('form button[type=submit]').click()
      await page.waitForSelector('.banner-error')
      await shot('6-track-not-found')
    })
    await session(sizeName, locale, async (page, shot) => {
      await page.goto(BASE)
      await page.waitForSelector('#f-category:not([disabled])')
      await page.locator('#f-category').selectOption('air.odor')
      await page.locator('#f-description').fill('臭')
      await page.locator('#f-phone').fill('13800138000')
      await page.locator('form button[type=submit]').click()
      await page.waitForSelector('.field-error')
      await shot('7-submit-server-400')
    }, { submit: 'invalid' })
    await session(sizeName, locale, async (page, shot) => {
      await page.goto(BASE)
      await page.waitForSelector('#f-category:not([disabled])')
      await page.locator('#f-category').selectOption('air.odor')
      await page.locator('#f-description').fill('臭')
      await page.locator('form button[type=submit]').click()
      await page.waitForSelector('.banner-error')
      await shot('8-submit-503')
    }, { submit: 'down' })
  }
}
// Progress updates: the opt-ins (one ticked without its contact), the receipt notice, the notices
// sent and the lost-password form, the unsubscribe page (its confirmation, a bad link).
for (const sizeName of PAGES === 'console' ? [] : ['phone', 'desktop']) {
  for (const locale of ['zh', 'en']) {
    await session(sizeName, locale, async (page, shot) => {
      await page.goto(BASE)
      await page.waitForSelector('#f-notify-email')
      await page.locator('#f-category').selectOption('air.odor')
      await page.locator('#f-description').fill('小区东侧化工厂每天夜里排放刺鼻废气。')
      await page.locator('#f-email').fill('wang@example.cn')
      await page.locator('#f-notify-sms').check()
      await page.locator('#f-notify-email').check()
      await page.locator('form button[type=submit]').click()
      await page.waitForSelector('#f-notify-sms-error')
      await shot('13-submit-optin-error')
      await page.locator('#f-phone').fill('13800138000')
      await page.locator('form button[type=submit]').click()
      await page.waitForSelector('[data-testid=receipt-notice]')
      await shot('14-submitted-notified')
      await page.goto(`${BASE}#/track?code=HB7KM2QX9TAE`)
      await page.locator('#t-password').fill('P4SSW8RDX7YZ')
      await page.locator('form button[type=submit]').click()
      await page.waitForSelector('[data-testid=notices]')
      await page.locator('.recovery-toggle').click()
      await page.locator('[data-testid=recovery] button').click()
      await page.waitForSelector('[data-testid=recovery-answer]')
      await shot('15-track-notices-recovery')
      await page.goto(`${BASE}#/unsubscribe?token=0f1e2d3c4b5a69788796a5b4c3d2e1f0`)
      await page.waitForSelector('.primary')
      await shot('16-unsubscribe')
      await page.locator('.primary').click()
      await page.waitForSelector('[data-testid=unsubscribe-done]')
      await shot('17-unsubscribe-done')
      await page.goto(`${BASE}#/unsubscribe?token=ffff`)
      await page.locator('.primary').click()
      await page.waitForSelector('.banner-error')
      await shot('18-unsubscribe-bad-link')
    })
  }
}

// The conduct form, the empty bulletin and the navigation, also at 390 px (where English wrapped).
for (const sizeName of PAGES === 'console' ? [] : ['phone', 'phone390', 'desktop']) {
  for (const locale of ['zh', 'en']) {
    await session(sizeName, locale, async (page, shot) => {
      await page.goto(BASE)
      await page.waitForSelector('#f-category:not([disabled])')
      await page.locator('#f-category').selectOption('conduct.formalism')
      await shot('9-submit-conduct')
      await page.goto(`${BASE}#/bulletins`)
      await page.waitForSelector('[data-testid=bulletin-none]')
      await shot('10-bulletin-empty')
    })
  }
}

// "Use my location" with a GCJ-02 map (plain grey tiles), inside the service area and outside it.
const TILE = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk2P+/HgAFBAJ/RZPn7QAAAABJRU5ErkJggg==', 'base64')
for (const sizeName of PAGES === 'console' ? [] : ['phone', 'desktop']) {
  await session(sizeName, 'zh', async (page, shot) => {
    await page.route('**/config.json', (route) => route.fulfill({
      json: { apiBaseUrl: '', mapTileUrl: 'tiles/{z}/{x}/{y}.png', mapAttribution: '测试底图', mapCoordinateSystem: 'GCJ-02' },
    }))
    await page.route('**/tiles/**', (route) => route.fulfill({ contentType: 'image/png', body: TILE }))
    await page.context().grantPermissions(['geolocation'])
    await page.context().setGeolocation({ latitude: 30.27, longitude: 120.15 })
    await page.goto(BASE)
    await page.waitForSelector('#f-category:not([disabled])')
    await page.locator('#f-category').selectOption('air.odor')
    await page.getByRole('button', { name: '使用我的位置' }).click()
    await page.waitForSelector('[data-testid=pin-outside]')
    await shot('11-location-outside')
    await page.context().setGeolocation({ latitude: 29.58, longitude: 120.82 })
    await page.getByRole('button', { name: '使用我的位置' }).click()
    await page.waitForSelector('.leaflet-tile-loaded')
    await shot('12-location-found')
  })
}

// ---- the staff console ------------------------------------------------------------------------
async function signIn(page, username) {
  await page.goto(`${BASE}#/staff/login`)
  await page.locator('#l-username').fill(username)
  await page.locator('#l-password').fill('demo-2026')
  await page.locator('form button[type=submit]').click()
}

for (const sizeName of PAGES === 'citizen' ? [] : ['phone390', 'desktop']) {
  for (const locale of sizeName === 'desktop' ? ['zh', 'en'] : ['zh']) {
    await session(sizeName, locale, async (page, shot) => {
      await page.goto(`${BASE}#/staff`)
      await page.waitForSelector('#l-username')
      await shot('c1-login')
      await signIn(page, 'enforcement')
      await page.waitForSelector('.queue-row')
      await shot('c2-queue')
      await page.locator('.queue-row .code-link').nth(1).click()
      await page.waitForSelector('.staff-timeline')
      await shot('c3-case')
      await page.locator('#toggle-reply').click()
      await page.locator('#a-reply-text').fill('化验结果已出，排放超标，我们已责令企业停产整改。')
      await shot('c3b-case-reply-form')
      await page.goto(`${BASE}#/staff/register`)
      await page.waitForSelector('#r-category:not([disabled])')
      await shot('c4-register')
      await page.goto(`${BASE}#/staff/password`)
      await page.waitForSelector('#p-current')
      await shot('c9-password')
    })
    await session(sizeName, locale, async (page, shot) => {
      await signIn(page, 'enforcement')
      await page.waitForSelector('.queue-row')
      await page.goto(`${BASE}#/staff/cases/HB7KM2QX9TAE`)
      await page.locator('#toggle-reply').click()
      await page.locator('#a-reply-text').fill('化验结果已出，排放超标，我们已责令企业停产整改。')
      await page.locator('.action-form button[type=submit]').click()
      await page.waitForSelector('[data-testid=case-notice]')
      await shot('c3c-case-412')
    }, { act: 'stale' })
    await session(sizeName, locale, async (page, shot) => {
      await signIn(page, 'leader')
      await page.waitForSelector('.dash-filters') // leaders land on the dashboard (its figures are not mocked)
      await page.goto(`${BASE}#/staff`)
      await page.waitForSelector('.queue-row')
      await shot('c2b-queue-leader')
      await page.goto(`${BASE}#/staff/cases/HB7KM2QX9TAE`)
      await page.locator('#toggle-decide_extension').click()
      await shot('c3d-case-leader-extension')
    })
    await session(sizeName, locale, async (page, shot) => {
      await page.goto(`${BASE}#/staff/login`)
      await signIn(page, 'enforcement')
      await page.waitForSelector('[role=alert]')
      await shot('c1b-login-locked')
    }, { login: 'locked' })
    await session(sizeName, locale, async (page, shot) => {
      await signIn(page, 'admin')
      await page.waitForSelector('[data-testid=users]')
      await shot('c5-users')
      await page.locator('#u-edit-5').click()
      await shot('c5b-users-edit')
      await page.goto(`${BASE}#/staff/admin/rules`)
      await page.waitForSelector('[data-testid=rules]')
      await shot('c6-rules')
      await page.goto(`${BASE}#/staff/admin/categories`)
      await page.waitForSelector('[data-testid=category-guidance]')
      await shot('c6b-categories')
      await page.locator('#c-edit-noise\\.construction').click()
      await shot('c6c-category-edit')
      await page.goto(`${BASE}#/staff/admin/calendar`)
      await page.waitForSelector('[data-testid=calendar]')
      await shot('c7-calendar')
      await page.goto(`${BASE}#/staff/admin/sections`)
      await page.waitForSelector('[data-testid=sections]')
      await shot('c8-sections')
      await page.goto(`${BASE}#/staff/admin/notifications`)
      await page.waitForSelector('[data-testid=outbox]')
      await shot('c11-outbox')
      await page.locator('.outbox-row[data-state=dead] .row-open').click()
      await page.waitForSelector('[data-testid=attempts]')
      await shot('c11b-outbox-detail')
      await page.locator('.retry-row button').click()
      await page.waitForSelector('#o-retry-result')
      await shot('c11c-outbox-retried')
      await page.goto(`${BASE}#/staff/admin/notifications?state=dead`)
      await page.waitForSelector('[data-testid=outbox]')
      await shot('c11d-outbox-dead')
      await page.goto(`${BASE}#/staff/admin/open311-keys`)
      await page.waitForSelector('[data-testid=open311-keys]')
      await shot('c12-open311-keys')
      await page.locator('#k-new').click()
      await page.locator('#k-name').fill('某某 FixMyStreet 站点')
      await page.locator('form button[type=submit]').click()
      await page.waitForSelector('[data-testid=new-key]')
      await shot('c12b-open311-key-issued')
      await page.locator('.key-item[data-state=live] .danger').last().click()
      await page.waitForSelector('[data-testid=revoke-confirm]')
      await shot('c12c-open311-revoke-confirm')
    })
    await session(sizeName, locale, async (page, shot) => {
      await signIn(page, 'enforcement')
      await page.waitForSelector('.queue-row')
      await page.goto(`${BASE}#/staff/cases/HB7KM2QX9TAE`)
      await page.waitForSelector('[data-testid=open311-source]')
      await shot('c13-case-open311')
    }, { open311: true })
    await session(sizeName, locale, async (page, shot) => {
      await signIn(page, 'enforcement')
      await page.waitForSelector('.queue-row')
      await page.goto(`${BASE}#/staff/notifications`)
      await page.waitForSelector('[data-testid=notification-settings]')
      await shot('c10-notifications')
      await page.locator('#n-email').fill('chen@shengzhou.gov.cn')
      await page.locator('[data-kind=due_soon] input').check()
      await page.locator('#n-hour').selectOption('17')
      await page.locator('form button[type=submit]').click()
      await page.waitForSelector('#n-saved')
      await shot('c10b-notifications-saved')
    })
    await session(sizeName, locale, async (page, shot) => {
      await signIn(page, 'enforcement')
      await page.waitForSelector('.queue-row')
      await page.goto(`${BASE}#/staff/notifications`)
      await page.locator('#n-email').fill('chen@shengzhou')
      await page.locator('form button[type=submit]').click()
      await page.waitForSelector('[data-testid=error-summary]')
      await shot('c10c-notifications-invalid')
    }, { settings: 'invalid' })
  }
}

await browser.close()
console.log(problems.length ? `PROBLEMS:\n${problems.join('\n')}` : 'no console errors')
