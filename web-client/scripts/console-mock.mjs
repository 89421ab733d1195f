// The staff API, mocked in the browser for scripts/screenshot.mjs: enough data to show every
// console page in its busy state (overdue rows, an extension awaiting a decision, internal notes
// beside public replies, a confidential case for leaders).

const today = '2026-03-18'
const iso = (d, t = '09:30') => new Date(`${d}T${t}:00+08:00`).toISOString()

const sections = (zh) => [
  ['office', '办公室', 'General Office'],
  ['enforcement', '生态环境执法大队', 'Environmental Enforcement Brigade'],
  ['monitoring', '生态环境监测站', 'Environmental Monitoring Station'],
  ['pollution', '污染防治科', 'Pollution Prevention and Control Section'],
  ['approval', '行政审批科', 'Administrative Approval Section'],
  ['discipline', '纪检监察室', 'Discipline Inspection Office'],
].map(([code, nameZh, nameEn]) => ({ code, name: zh ? nameZh : nameEn, nameZh, nameEn }))

const profiles = {
  enforcement: { id: 2, username: 'enforcement', displayName: '陈建国', role: 'section_head', sectionCode: 'enforcement', sectionName: '生态环境执法大队' },
  leader: { id: 1, username: 'leader', displayName: '周局长', role: 'leader', sectionCode: null, sectionName: null },
  admin: { id: 9, username: 'admin', displayName: '系统管理员', role: 'admin', sectionCode: null, sectionName: null },
}

const item = (zh, o) => ({
  status: 'submitted', categoryCode: 'air.odor', categoryName: zh ? '异味、臭气' : 'Odour', confidential: false,
  sectionCode: 'enforcement', sectionName: zh ? '生态环境执法大队' : 'Environmental Enforcement Brigade',
  township: '剡湖街道', channel: 'web', filedThrough: null, assignee: null, extensionStatus: null, ...o,
})

const queue = (zh, role) => {
  const items = [
    item(zh, { trackingCode: 'K7PQ2MXR9TAE', excerpt: '城南工业园区化工厂每天夜里十一点以后排放刺鼻废气，窗户关着也能闻到，已经持续两周，家里老人孩子都咳嗽。附近还有一所小学，白天也', submittedAt: iso('2026-03-02', '23:10'), dueOn: '2026-03-04', deadline: { dueSoon: false, overdue: true, workingDaysLeft: -10 } }),
    item(zh, { trackingCode: 'HB7KM2QX9TAE', status: 'in_progress', categoryCode: 'water.industrial', categoryName: zh ? '工业废水偷排' : 'Industrial waste water', excerpt: '河边的电镀厂往河里排放黄色废水，死鱼很多。', township: '三江街道', submittedAt: iso('2026-02-20'), dueOn: '2026-03-18', deadline: { dueSoon: true, overdue: false, workingDaysLeft: 0 }, assignee: { id: 4, name: '李明' }, extensionStatus: 'requested' }),
    item(zh, { trackingCode: 'W3ZN8RT4DJQC', excerpt: '工地凌晨两点还在打桩，吵得睡不着。', categoryCode: 'noise.construction', categoryName: zh ? '建筑施工噪声' : 'Construction noise', channel: 'phone', township: '鹿山街道', submittedAt: iso('2026-03-17', '07:45'), dueOn: '2026-03-19', deadline: { dueSoon: true, overdue: false, workingDaysLeft: 1 } }),
    item(zh, { trackingCode: 'R6MB2QZT8KWD', excerpt: '城东路工地每天夜里十一点以后还在打桩，噪声很大。', categoryCode: 'noise.construction', categoryName: zh ? '建筑施工噪声' : 'Construction noise', channel: 'open311', filedThrough: '12345 市民热线平台', submittedAt: iso('2026-03-18', '08:20'), dueOn: '2026-03-20', deadline: { dueSoon: false, overdue: false, workingDaysLeft: 2 } }),
    item(zh, { trackingCode: 'P9DX4HKW2MNS', status: 'accepted', excerpt: '养殖场粪便臭味很重。', township: null, submittedAt: iso('2026-03-10'), dueOn: '2026-03-31', deadline: { dueSoon: false, overdue: false, workingDaysLeft: 9 }, assignee: { id: 2, name: '陈建国' } }),
  ]
  if (role === 'leader') {
    items.splice(2, 0, item(zh, { trackingCode: 'C5TR8VYB3XGE', categoryCode: 'conduct.inaction', categoryName: zh ? '不作为、慢作为' : 'Inaction', confidential: true, sectionCode: 'discipline', sectionName: zh ? '纪检监察室' : 'Discipline Inspection Office', excerpt: '举报执法人员收受企业好处，对偷排视而不见。', township: null, submittedAt: iso('2026-03-16'), dueOn: '2026-03-18', deadline: { dueSoon: true, overdue: false, workingDaysLeft: 0 } }))
  }
  return { items, nextCursor: 'ZHVlfDIwMjYtMDMtMzF8NA', counts: { submitted: 12, accepted: 3, in_progress: 7, resolved: 41, closed: 120, rejected: 5, merged: 2 }, today }
}

const ev = (id, type, visibility, at, actor, message, data = {}) => ({
  id, type, visibility, actorKind: actor ? 'staff' : type === 'submitted' ? 'citizen' : 'system', actor, at, message, data,
})

const caseDetail = (zh) => ({
  trackingCode: 'HB7KM2QX9TAE', status: 'in_progress', version: 7, categoryCode: 'water.industrial',
  categoryName: zh ? '工业废水偷排' : 'Industrial waste water', groupName: zh ? '水污染' : 'Water', confidential: false,
  sectionCode: 'enforcement', sectionName: zh ? '生态环境执法大队' : 'Environmental Enforcement Brigade', channel: 'web', open311: null,
  description: '河边的电镀厂每天夜里往河里排放黄色废水，气味刺鼻，下游已经出现很多死鱼。\n排污口在厂区东侧围墙下面，用水泥管通到河里。<b>不是标签</b>',
  township: '三江街道', address: '城南工业园区 12 号东侧排污口', contact: { name: '王女士', phone: '13800138000', email: 'wang@example.cn' },
  submittedAt: iso('2026-02-20', '22:40'), acceptBy: '2026-02-24', resolveBy: '2026-03-18', dueOn: '2026-03-18',
  deadline: { dueSoon: true, overdue: false, workingDaysLeft: 0 }, assignee: { id: 4, name: '李明' },
  extension: { status: 'requested', days: 10, reason: '需要等待监测站的水样化验结果。' }, mergedInto: null, mergedCases: ['T4MZ7QKD2XPN'],
  supportCount: 3, supports: { addresses: 2, largestBurst: 2, burstStartedAt: iso('2026-02-21', '08:10') },
  availableActions: ['assign', 'transfer', 'note', 'reply', 'resolve', 'merge'],
  rejectionGrounds: ['outside_remit', 'not_environmental', 'other_channel', 'duplicate', 'insufficient_information', 'other'],
  evaluation: null, review: null, closedAt: null, urgent: false, answers: [], pin: null, photos: [],
  timeline: [
    ev(1, 'submitted', 'public', iso('2026-02-20', '22:40'), null, null, { channel: 'web', sectionCode: 'enforcement' }),
    ev(2, 'routed', 'internal', iso('2026-02-20', '22:40'), null, null, { sectionCode: 'enforcement', basis: 'rule', ruleName: '工业废水归执法大队' }),
    ev(3, 'accepted', 'public', iso('2026-02-23', '09:05'), { id: 2, name: '陈建国' }, null, { resolveBy: '2026-03-18' }),
    ev(4, 'assigned', 'internal', iso('2026-02-23', '09:06'), { id: 2, name: '陈建国' }, null, { assigneeId: 4, assigneeName: '李明' }),
    ev(5, 'note', 'internal', iso('2026-02-24', '16:20'), { id: 4, name: '李明' }, '现场确认排污口位置，已取水样送监测站。企业负责人电话 139****1234。'),
    ev(6, 'reply', 'public', iso('2026-02-25', '10:00'), { id: 4, name: '李明' }, '执法人员已到现场取样，化验结果出来后会告知您处理情况。'),
    ev(7, 'extension_requested', 'internal', iso('2026-03-16', '15:30'), { id: 4, name: '李明' }, '需要等待监测站的水样化验结果。', { days: 10 }),
  ],
})

const users = [
  ['admin', '系统管理员', 'admin', null], ['leader', '周局长', 'leader', null], ['discipline', '吴纪检', 'discipline', 'discipline'],
  ['enforcement', '陈建国', 'section_head', 'enforcement'], ['enforcement.staff', '李明', 'staff', 'enforcement'],
  ['monitoring', '赵站长', 'section_head', 'monitoring'], ['pollution.staff', '孙丽', 'staff', 'pollution'],
].map(([username, displayName, role, sectionCode], i) => ({
  id: i + 1, username, displayName, role, sectionCode, active: username !== 'pollution.staff',
  lockedUntil: username === 'monitoring' ? new Date(Date.now() + 12 * 60_000).toISOString() : null, createdAt: iso('2026-01-05'),
}))

const rules = [
  [1, '工业废水归执法大队', null, 'water', null, ['偷排', '排污口'], 'enforcement'],
  [2, '机动车尾气归污染防治科', 'air.vehicle', null, null, [], 'pollution'],
  [3, '三江街道噪声先由办公室协调', null, 'noise', '三江街道', [], 'office'],
  [4, '辐射监测数据', null, null, null, ['辐射', '基站', '监测数据'], 'monitoring'],
].map(([id, name, categoryCode, groupCode, township, keywords, sectionCode]) => ({
  id, position: id, name, categoryCode, groupCode, township, keywords, sectionCode, active: id !== 3, version: 1,
}))

const calendar = [
  ['2026-01-01', 'holiday', '元旦', "New Year's Day"], ['2026-01-02', 'holiday', '元旦', "New Year's Day"], ['2026-01-04', 'workday', '调休上班', 'Make-up working day'],
  ['2026-02-14', 'workday', '调休上班', 'Make-up working day'], ['2026-02-16', 'holiday', '春节', 'Spring Festival'], ['2026-02-17', 'holiday', '春节', 'Spring Festival'],
  ['2026-02-18', 'holiday', '春节', 'Spring Festival'], ['2026-02-19', 'holiday', '春节', 'Spring Festival'], ['2026-02-20', 'holiday', '春节', 'Spring Festival'],
  ['2026-02-23', 'holiday', '春节', 'Spring Festival'], ['2026-02-28', 'workday', '调休上班', 'Make-up working day'], ['2026-04-06', 'holiday', '清明节', 'Qingming Festival'],
  ['2026-05-01', 'holiday', '劳动节', 'Labour Day'], ['2026-05-04', 'holiday', '劳动节', 'Labour Day'], ['2026-05-05', 'holiday', '劳动节', 'Labour Day'],
  ['2026-05-09', 'workday', '调休上班', 'Make-up working day'], ['2026-06-19', 'holiday', '端午节', 'Dragon Boat Festival'], ['2026-09-25', 'holiday', '中秋节', 'Mid-Autumn Festival'],
  ['2026-10-01', 'holiday', '国庆节', 'National Day'], ['2026-10-02', 'holiday', '国庆节', 'National Day'], ['2026-10-05', 'holiday', '国庆节', 'National Day'],
  ['2026-10-06', 'holiday', '国庆节', 'National Day'], ['2026-10-07', 'holiday', '国庆节', 'National Day'], ['2026-10-10', 'workday', '调休上班', 'Make-up working day'],
].map(([date, kind, nameZh, nameEn]) => ({ date, kind, nameZh, nameEn }))

const problem = (status, title) => ({
  status, contentType: 'application/problem+json',
  body: JSON.stringify({ type: 'about:blank', title, status, traceId: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' }),
})

const question = (key, labelZh, labelEn, options) => ({ key, kind: options ? 'choice' : 'text', required: !!options, labelZh, labelEn, maxLength: options ? null : 100, options })
const adminCategories = (zh) => [
  ['water.industrial', '工业废水偷排', 'Industrial waste water', '水污染', 'Water', 'enforcement', 2, 15, [question('company', '涉及的企业名称', 'Company name')]],
  ['water.drinking', '饮用水源', 'Drinking water source', '水污染', 'Water', 'enforcement', 1, 7, []],
  ['noise.construction', '建筑施工噪声', 'Construction noise', '噪声污染', 'Noise', 'enforcement', 2, 15,
    [question('when', '什么时候发生？', 'When does it happen?', [{ value: 'day', zh: '白天', en: 'Daytime' }, { value: 'night', zh: '夜间', en: 'At night' }])]],
  ['suggestion', '意见建议', 'Suggestion', '意见建议', 'Suggestions', 'office', 5, 20, []],
].map(([code, nameZh, nameEn, groupZh, groupEn, defaultSection, acceptWithinDays, resolveWithinDays, questions]) => ({
  code, name: zh ? nameZh : nameEn, groupName: zh ? groupZh : groupEn, active: true, guidanceZh: null, guidanceEn: null, urgent: code === 'water.drinking',
  questions, version: 3, nameZh, nameEn, defaultSection, acceptWithinDays, resolveWithinDays,
}))

// Notification settings of a section head, and an outbox with every state (a dead letter with its attempts).
const myKinds = (zh) => [
  ['new_case', '本科室新案件', 'New case in my section', true, true, true],
  ['assigned', '指派给我的案件', 'Case assigned to me', true, true, false],
  ['due_soon', '案件即将超期', 'Case due soon', false, true, false],
  ['overdue', '督办提醒', 'Overdue reminder (督办)', true, true, false],
].map(([kind, nameZh, nameEn, enabled, onByDefault, digest]) => ({ kind, name: zh ? nameZh : nameEn, enabled, onByDefault, digest }))

const kindNames = {
  receipt: ['受理回执', 'Receipt'], accepted: ['已受理', 'Accepted'], reply: ['答复', 'Reply'], resolved: ['已办结', 'Resolved'],
  new_case: ['本科室新案件', 'New case in my section'], due_soon: ['案件即将超期', 'Case due soon'], password_reset: ['新查询密码', 'New query password'],
}
const message = (zh, [n, kind, channel, recipient, trackingCode, state, attempts, created, lastError]) => ({
  id: `6f1c2a4e-0000-4000-8000-${String(n).padStart(12, '0')}`, kind, name: kindNames[kind][zh ? 0 : 1], channel, recipient, trackingCode, state, attempts,
  createdAt: iso('2026-03-18', created), nextAttemptAt: state === 'pending' || state === 'sending' ? iso('2026-03-18', '12:00') : null,
  sentAt: state === 'sent' ? new Date(Date.parse(iso('2026-03-18', created)) + 4_000).toISOString() : null, lastError,
  providerId: state === 'sent' ? `2019:${4830 + n}` : null,
})
const outbox = (zh) => [
  [1, 'receipt', 'sms', '138****8000', 'HB7KM2QX9TAE', 'sent', 1, '11:42', null],
  [2, 'receipt', 'email', 'w***@example.cn', 'HB7KM2QX9TAE', 'dead', 6, '11:42', '550 5.1.1 <wang@example.cn>: Recipient address rejected: User unknown in virtual mailbox table'],
  [3, 'new_case', 'email', 'c***@shengzhou.gov.cn', 'K7PQ2MXR9TAE', 'pending', 0, '10:05', null],
  [4, 'accepted', 'sms', '139****1234', 'W3ZN8RT4DJQC', 'pending', 2, '09:31', 'Tencent Cloud: LimitExceeded.PhoneNumberDailyLimit'],
  [5, 'reply', 'sms', '137****5678', null, 'cancelled', 0, '09:02', 'unsubscribed'],
  [6, 'password_reset', 'sms', '158****0021', 'P9DX4HKW2MNS', 'sent', 1, '08:47', null],
  [7, 'due_soon', 'email', 'l***@shengzhou.gov.cn', 'HB7KM2QX9TAE', 'sent', 2, '08:00', 'connection timed out after 10 s'],
].map((row) => message(zh, row))

function outboxApi(req, url, zh, state, mode) {
  const path = url.pathname
  if (path === '/api/v1/me/notifications') {
    if (req.method() === 'PUT') {
      const body = JSON.parse(req.postData() ?? '{}')
      if (mode.settings === 'invalid') {
        return { status: 400, contentType: 'application/problem+json', body: JSON.stringify({
          title: zh ? '提交的内容有误' : 'One or more validation errors occurred.', status: 400,
          errors: { email: [zh ? '请填写正确的电子邮箱' : 'Enter a valid email address'] },
        }) }
      }
      state.settings = body
    }
    const saved = state.settings
    const kinds = myKinds(zh).map((k) => ({ ...k, enabled: saved?.kinds?.find((c) => c.kind === k.kind)?.enabled ?? k.enabled }))
    return { json: { email: saved ? saved.email : null, digestHour: saved?.digestHour ?? 8, kinds } }
  }
  if (path === '/api/v1/admin/notifications/figures') {
    return { json: { since: iso('2026-03-11', '12:00'), channels: [
      { channel: 'sms', sent: 1284, failed: 3, waiting: 12, cancelled: 7, medianDelaySeconds: 4.2, slowestDelaySeconds: 38.5 },
      { channel: 'email', sent: 356, failed: 14, waiting: 41, cancelled: 0, medianDelaySeconds: 272, slowestDelaySeconds: 19800 },
    ] } }
  }
  if (path === '/api/v1/admin/notifications') {
    const f = (k) => url.searchParams.get(k)
    const items = outbox(zh).filter((m) => (!f('state') || m.state === f('state')) && (!f('channel') || m.channel === f('channel')) && (!f('kind') || m.kind === f('kind')))
    return { json: { items, next: f('before') || items.length < 3 ? null : 'MTIzXzQ1Ng' } }
  }
  const one = /^\/api\/v1\/admin\/notifications\/([^/]+)(\/retry)?$/.exec(path)
  if (!one) return undefined
  const m = outbox(zh).find((x) => x.id === one[1])
  if (!m) return problem(404, zh ? '没有这条消息' : 'No such message')
  const attempts = Array.from({ length: m.attempts }, (_, i) => ({
    number: i + 1, startedAt: new Date(Date.parse(m.createdAt) + (2 ** i) * 60_000).toISOString(), durationMs: 180 + 37 * i,
    outcome: m.state === 'sent' && i === m.attempts - 1 ? 'sent' : m.state === 'dead' && i === m.attempts - 1 ? 'rejected' : 'retry',
    error: m.state === 'sent' && i === m.attempts - 1 ? null : m.lastError,
  }))
  // A retried message waits again; its attempts stay as they were.
  if (state.retried?.includes(m.id)) Object.assign(m, { state: 'pending', nextAttemptAt: iso('2026-03-18', '12:01') })
  if (one[2]) {
    if (m.state !== 'dead') return problem(409, zh ? '只有已放弃的消息可以重试' : 'Only a message that was given up can be retried')
    state.retried = [...(state.retried ?? []), m.id]
    return { json: { ...m, state: 'pending', nextAttemptAt: iso('2026-03-18', '12:01') } }
  }
  return { json: { message: m, attempts } }
}

/**
 * Answers /api/v1/… for the console. Returns undefined for paths it does not know.
 * mode.login: 'wrong' | 'locked'; mode.act: 'stale'; mode.settings: 'invalid' (the settings' PUT answers 400).
 */
const open311Keys = (state) => [
  ...(state.issuedKey ? [state.issuedKey] : []),
  { id: 2, name: '12345 市民热线平台', shown: 'fb311_q7ht', requestsPerMinute: 120, createdAt: iso('2026-03-02', '09:15'), createdBy: '系统管理员', revokedAt: null, lastUsedAt: iso('2026-03-18', '08:20'), requestsFiled: 37 },
  { id: 1, name: '演示密钥', shown: 'fb311_demo', requestsPerMinute: 60, createdAt: iso('2026-01-05', '10:00'), createdBy: null, revokedAt: iso('2026-03-01', '16:40'), lastUsedAt: iso('2026-02-27', '14:03'), requestsFiled: 4 },
]

function open311Api(req, path, state) {
  if (path !== '/api/v1/admin/open311-keys') return undefined
  if (req.method() === 'POST') {
    const { name, requestsPerMinute } = JSON.parse(req.postData() ?? '{}')
    const key = 'fb311_9xk2m4rt7vq8wz3nb6hp5ya2dc'
    state.issuedKey = { id: 3, name, shown: key.slice(0, 10), requestsPerMinute: requestsPerMinute ?? 60, createdAt: iso('2026-03-18', '10:05'), createdBy: '系统管理员', revokedAt: null, lastUsedAt: null, requestsFiled: 0 }
    return { status: 201, json: { key, details: state.issuedKey } }
  }
  return { json: open311Keys(state) }
}

export function consoleApi(req, url, zh, state, mode = {}) {
  const path = url.pathname
  const method = req.method()
  const auth = req.headers().authorization ?? ''
  const who = auth.replace(/^Bearer token-/, '')
  if (path === '/api/v1/auth/login' && method === 'POST') {
    if (mode.login === 'wrong') return problem(401, zh ? '用户名或密码不正确' : 'Wrong username or password')
    if (mode.login === 'locked') return { ...problem(429, zh ? '密码错误次数过多，账户已锁定，请 15 分钟后再试' : 'Locked'), headers: { 'Retry-After': '900' } }
    const { username } = JSON.parse(req.postData() ?? '{}')
    return { json: { accessToken: `token-${username}`, refreshToken: `refresh-${username}`, expiresIn: 600, tokenType: 'Bearer' } }
  }
  if (path === '/api/v1/auth/logout') return { status: 204, body: '' }
  const signedInOnly = /^\/api\/v1\/(auth\/me|auth\/password|me\/|staff\/|admin\/|sections)/.test(path)
  if (!signedInOnly) return undefined // the citizen pages' API: scripts/screenshot.mjs answers it
  if (!profiles[who]) return problem(401, 'Unauthorized')
  if (path === '/api/v1/auth/me') return { json: profiles[who] }
  if (path === '/api/v1/sections') return { json: sections(zh) }
  if (path === '/api/v1/staff/complaints') return { json: queue(zh, profiles[who].role) }
  if (path === '/api/v1/staff/colleagues') {
    return { json: [{ id: 2, username: 'enforcement', displayName: '陈建国', role: 'section_head' }, { id: 4, username: 'enforcement.staff', displayName: '李明', role: 'staff' }] }
  }
  if (/^\/api\/v1\/staff\/complaints\/[^/]+\/publication$/.test(path) && method === 'GET') {
    return { json: {
      trackingCode: 'HB7KM2QX9TAE', status: 'none', version: 0, eligible: false,
      ineligibleReason: zh ? '案件办结后才能申请公开' : 'A case can be proposed for publication once it is resolved',
      summary: null, result: null, proposedBy: null, proposedAt: null, decidedBy: null, decidedAt: null, decisionReason: null,
      publishedAt: null, availableActions: [],
    } }
  }
  const action = /^\/api\/v1\/staff\/complaints\/([^/]+)\/(\w+)/.exec(path)
  if (action && method === 'POST') {
    if (mode.act === 'stale') {
      state.changed = true
      return problem(412, zh ? '案件已被他人修改，请刷新后重试' : 'Someone changed this case since you loaded it: reload and try again')
    }
    return { json: { trackingCode: action[1], status: 'in_progress', version: 8 }, headers: { ETag: '"8"' } }
  }
  if (/^\/api\/v1\/staff\/complaints\/[^/]+$/.test(path)) {
    const detail = caseDetail(zh)
    if (profiles[who].role === 'leader') detail.availableActions = ['decide_extension']
    if (mode.open311) {
      Object.assign(detail, { channel: 'open311', open311: { keyName: '12345 市民热线平台', deviceId: 'fms-device-7', accountId: 'fms-42', mediaUrl: 'https://fixmystreet.example/p/1.jpeg' } })
      detail.timeline[0].data = { channel: 'open311', sectionCode: 'enforcement' }
    }
    if (state.changed) {
      detail.status = 'resolved'
      detail.deadline = { dueSoon: false, overdue: false, workingDaysLeft: null }
      detail.availableActions = ['note']
      detail.extension = null
      detail.timeline.push(ev(8, 'resolved', 'public', iso('2026-03-18', '11:02'), { id: 2, name: '陈建国' }, '经监测站化验，排放超标，已责令停产整改并立案处罚。'))
    }
    return { json: detail, headers: { ETag: state.changed ? '"8"' : '"7"' } }
  }
  const notifications = outboxApi(req, url, zh, state, mode)
  if (notifications) return notifications
  const keys = open311Api(req, path, state)
  if (keys) return keys
  if (path === '/api/v1/admin/users') return { json: users }
  if (path === '/api/v1/admin/routing-rules') return { json: rules }
  if (path === '/api/v1/admin/calendar') return { json: calendar }
  if (path === '/api/v1/admin/categories') return { json: adminCategories(zh) }
  return undefined
}
