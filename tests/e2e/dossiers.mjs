// The dossier walks: one dossier of each channel (counter, postal, online) taken by the officer, the unit head and
// the specialist through receipt → transfer → assignment → supplement → appraisal → approval → return of result,
// each person in their own browser, checking the national status string on the staff page and on the JSON API
// after every step, and the printed forms' titles. Used by pages.mjs.

import { createRequire } from 'node:module';

import {
  Abort, BASE_URL, PASSWORD, audit, check, clickAndWait, must, oneLine, openContext, pathOf, signIn, walkEnded, watch,
} from './lib.mjs';

const require = createRequire(import.meta.url);
const { request } = require('playwright-core');

const INTAKE_TOKEN = process.env.INTAKE_TOKEN || '';
const PROCEDURE = 'DEMO-HKD-01';
const UNIT_NAME = 'Phòng Kinh tế và Hạ tầng';
const SPECIALIST = 'Dương Văn Tế';

/** A signed-in browser page for one person. */
async function person(browser, vp, username) {
  const context = await openContext(browser, vp);
  const page = await context.newPage();
  await page.goto(`${BASE_URL}/staff/login`);
  await signIn(page, username, PASSWORD);
  if (pathOf(page) !== '/staff') throw new Error(`${username} did not reach the desk (at ${pathOf(page)})`);
  return { context, page, watcher: watch(page) };
}

/** The JSON API as the officer sees it. */
async function api() {
  const ctx = await request.newContext({ baseURL: BASE_URL, ignoreHTTPSErrors: true });
  const login = await ctx.post('/api/v1/auth/login', { data: { username: 'motcua.canbo1', password: PASSWORD } });
  const { token } = await login.json();
  return {
    async status(ref) {
      const r = await ctx.get(`/api/v1/dossiers/${encodeURIComponent(ref)}`, { headers: { Authorization: `Bearer ${token}` } });
      return (await r.json()).status?.name;
    },
    async submitOnline() {
      const r = await ctx.post('/api/v1/dossiers', {
        headers: { Authorization: `Bearer ${INTAKE_TOKEN}` },
        data: {
          procedure: PROCEDURE, channel: 2, components: [1, 2, 3, 4],
          applicant: { kind: 'person', name: 'Lê Văn Trực Tuyến', id_number: '027095001111', phone: '0911111111' },
        },
      });
      if (r.status() !== 201) throw new Error(`online submission answered ${r.status()}: ${await r.text()}`);
      return (await r.json()).id;
    },
    dispose: () => ctx.dispose(),
  };
}

const statusOnPage = async (page) => oneLine(await page.locator('#status .badge').first().textContent());

/** Both the staff page and the API show `expected` for the dossier `ref`. */
async function expectStatus(page, apiClient, ref, expected) {
  const shown = await statusOnPage(page);
  if (shown !== expected) return `the page shows "${shown}", expected "${expected}"`;
  const fromApi = await apiClient.status(ref);
  return fromApi === expected ? '' : `the API says "${fromApi}", expected "${expected}"`;
}

/** Opens the action's collapsed form, lets `fill` complete it, and submits it. */
async function takeAction(page, label, fill = async () => {}) {
  const box = page.locator('details').filter({ has: page.locator('summary', { hasText: label }) }).first();
  await box.locator('summary').click();
  await fill(box);
  const response = await clickAndWait(page, box.getByRole('button', { name: label, exact: true }));
  if (response.status() !== 200) throw new Error(`${label} answered ${response.status()}: ${oneLine(await page.locator('main').textContent()).slice(0, 300)}`);
}

/** Opens a dossier from one of the person's queues by clicking its code. */
async function openFromQueue(page, queue, code) {
  await page.goto(`${BASE_URL}/staff/dossiers?queue=${queue}`);
  await clickAndWait(page, page.getByRole('link', { name: code, exact: true }));
}

/** A printed form opens with its exact title. */
async function expectForm(page, label, title) {
  const link = page.getByRole('link', { name: label });
  if (!(await link.count())) return `no link "${label}" on the dossier page`;
  const back = page.url();
  await clickAndWait(page, link.first());
  const text = oneLine(await page.locator('body').textContent());
  await page.goto(back);
  return text.includes(title) ? '' : `the form does not carry the title ${title}`;
}

/** The counter screen: the officer enters the dossier and receives it (channel 1 counter, 3 postal). */
async function counterIntake(officer, channel, vp) {
  const { page } = officer;
  await page.goto(`${BASE_URL}/staff/tiep-nhan`);
  await page.getByLabel('Thủ tục hành chính').selectOption(PROCEDURE);
  await clickAndWait(page, page.getByRole('button', { name: 'Chọn thủ tục' }));
  if (channel === 3) await page.getByLabel('Qua dịch vụ bưu chính công ích').check();
  await page.getByLabel('Họ và tên (hoặc tên tổ chức)').fill(channel === 3 ? 'Hoàng Thị Bưu' : 'Nguyễn Văn Quầy');
  await page.getByLabel('Số định danh cá nhân (hoặc mã số thuế)').fill('027095002222');
  await page.getByLabel('Số điện thoại (nhận tin nhắn)').fill('0912222222');
  for (const box of await page.locator('input[name=component]').all()) await box.check();
  await page.locator('#f-file_1').setInputFiles({ name: 'giay-de-nghi.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n% giấy đề nghị\n') });
  await page.getByLabel(/Tôi xác nhận các bản quét trên là bản sao điện tử/).check();
  await audit(page, vp, `counter screen (channel ${channel})`, officer.watcher);
  await clickAndWait(page, page.getByRole('button', { name: 'Tiếp nhận và hẹn trả kết quả' }));
  const h1 = oneLine(await page.locator('h1').textContent());
  const code = h1.replace('Hồ sơ ', '');
  if (!/^H40\.12-\d{6}-\d{4}$/.test(code)) throw new Error(`no dossier code on the page after receipt: "${h1}"`);
  return code;
}

/** The whole chain for one channel. */
export async function walkDossierChannel(browser, vp, channel) {
  const name = { 1: 'counter', 2: 'online', 3: 'postal' }[channel];
  const at = (s) => `${vp.name} dossier ${name}: ${s}`;
  if (channel === 2 && !INTAKE_TOKEN) {
    console.log(`  note ${at('skipped: no INTAKE_TOKEN')}`);
    return;
  }
  const apiClient = await api();
  const people = [];
  try {
    const officer = await person(browser, vp, 'motcua.canbo1');
    people.push(officer);
    let code;
    if (channel === 2) {
      const id = await apiClient.submitOnline();
      await must(at('the online dossier waits in "Mới đăng ký" in the officer\'s new queue'), async () => {
        await officer.page.goto(`${BASE_URL}/staff/dossiers?queue=new`);
        await clickAndWait(officer.page, officer.page.getByRole('link', { name: 'Chưa cấp mã' }).last());
        return expectStatus(officer.page, apiClient, id, 'Mới đăng ký');
      });
      await takeAction(officer.page, 'Tiếp nhận');
      code = oneLine(await officer.page.locator('h1').textContent()).replace('Hồ sơ ', '');
    } else {
      code = await counterIntake(officer, channel, vp);
    }
    await must(at('received with a code: "Được tiếp nhận"'), () => expectStatus(officer.page, apiClient, code, 'Được tiếp nhận'));
    await check(at('Form 01 prints with its exact title'), () =>
      expectForm(officer.page, 'Giấy tiếp nhận hồ sơ và hẹn trả kết quả', 'GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ'));
    await audit(officer.page, vp, `dossier page received (${name})`, officer.watcher);

    await takeAction(officer.page, 'Chuyển xử lý', (f) => f.getByLabel('Chuyển đến đơn vị').selectOption({ label: UNIT_NAME }));
    await must(at('transferred: "Đang xử lý"'), () => expectStatus(officer.page, apiClient, code, 'Đang xử lý'));

    const head = await person(browser, vp, 'kinhte.truong');
    people.push(head);
    await openFromQueue(head.page, 'unit', code);
    await audit(head.page, vp, `dossier page at the unit (${name})`, head.watcher);
    await takeAction(head.page, 'Phân công xử lý', (f) => f.getByLabel('Chuyên viên xử lý').selectOption({ label: SPECIALIST }));
    await must(at('assigned: still "Đang xử lý" with the specialist named'), async () =>
      (await expectStatus(head.page, apiClient, code, 'Đang xử lý')) ||
      ((await head.page.locator('main').textContent()).includes(SPECIALIST) ? '' : 'the specialist is not shown'));

    const specialist = await person(browser, vp, 'kinhte.chuyenvien');
    people.push(specialist);
    await openFromQueue(specialist.page, 'mine', code);
    await takeAction(specialist.page, 'Yêu cầu bổ sung, hoàn thiện', async (f) => {
      await f.getByLabel('Giấy tờ cần bổ sung, hoàn thiện').fill('Bản sao biên bản họp thành viên hộ gia đình có chữ ký');
      await f.getByLabel('Lý do').fill('Biên bản chưa có chữ ký của các thành viên');
    });
    await must(at('supplement asked: "Yêu cầu bổ sung giấy tờ"'), () => expectStatus(specialist.page, apiClient, code, 'Yêu cầu bổ sung giấy tờ'));
    await check(at('Form 02 prints with its exact title'), () =>
      expectForm(specialist.page, 'Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ', 'PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ'));

    await openFromQueue(officer.page, 'supplement', code);
    await takeAction(officer.page, 'Nộp bổ sung');
    await must(at('supplement handed in: back to "Đang xử lý"'), () => expectStatus(officer.page, apiClient, code, 'Đang xử lý'));

    await specialist.page.reload();
    await takeAction(specialist.page, 'Trình ký');
    await head.page.reload();
    await takeAction(head.page, 'Ký duyệt');
    await specialist.page.reload();
    await takeAction(specialist.page, 'Hoàn thành xử lý');
    await must(at('approved and completed: "Đã xử lý xong"'), () => expectStatus(specialist.page, apiClient, code, 'Đã xử lý xong'));

    await openFromQueue(officer.page, 'ready', code);
    await takeAction(officer.page, 'Báo người nộp đến nhận kết quả');
    // The result is digitised before it is handed over (Decree 107/2021): scanned, certified, uploaded.
    await officer.page.locator('#doc-file').setInputFiles({ name: 'ket-qua.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n% ket qua giai quyet\n') });
    await officer.page.locator('#doc-kind').selectOption({ label: 'Kết quả giải quyết' });
    await officer.page.locator('#doc-certify').check();
    await clickAndWait(officer.page, officer.page.getByRole('button', { name: 'Tải lên' }));
    await check(at('the digitised result shows as certified and the result as digitised'), async () => {
      const text = oneLine(await officer.page.locator('#digitised').textContent());
      const certified = await officer.page.getByText('Bản sao điện tử khớp bản gốc').count();
      return text.includes('Kết quả: đã số hoá') && certified >= 1 ? '' : `"${text}", ${certified} certified files`;
    });
    await takeAction(officer.page, 'Trả kết quả');
    await must(at('result returned: "Đã trả kết quả"'), () => expectStatus(officer.page, apiClient, code, 'Đã trả kết quả'));
    await check(at('the code never changed and the history lists every step'), async () => {
      const history = oneLine(await officer.page.locator('ol.history').textContent());
      const steps = ['Tiếp nhận', 'Chuyển xử lý', 'Phân công xử lý', 'Yêu cầu bổ sung, hoàn thiện', 'Nộp bổ sung', 'Trình ký', 'Ký duyệt', 'Hoàn thành xử lý', 'Trả kết quả'];
      const missing = steps.filter((s) => !history.includes(s));
      const h1 = oneLine(await officer.page.locator('h1').textContent());
      return missing.length ? `history lacks ${missing.join(', ')}` : h1 === `Hồ sơ ${code}` ? '' : `h1 is now ${h1}`;
    });
    await check(at('Form 05 prints with its exact title and the hand-over outcomes'), async () => {
      const problem = await expectForm(officer.page, 'Phiếu kiểm soát quá trình giải quyết hồ sơ', 'PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ');
      return problem;
    });
    await audit(officer.page, vp, `dossier page returned (${name})`, officer.watcher);
  } catch (e) {
    walkEnded(at('walk'), e);
  } finally {
    for (const p of people) await p.context.close();
    await apiClient.dispose();
  }
}

/** The officer's and the leader's list pages, audited. */
export async function walkDossierLists(browser, vp) {
  const at = (s) => `${vp.name} dossier lists: ${s}`;
  const people = [];
  try {
    const officer = await person(browser, vp, 'motcua.canbo1');
    people.push(officer);
    await audit(officer.page, vp, 'desk with queues', officer.watcher);
    await officer.page.goto(`${BASE_URL}/staff/dossiers?queue=received`);
    await check(at('the queue page lists queues and a search box'), async () =>
      (await officer.page.getByRole('navigation', { name: 'Hàng đợi hồ sơ' }).count()) ? '' : 'no queue navigation');
    await audit(officer.page, vp, 'queue', officer.watcher);
    await officer.page.goto(`${BASE_URL}/staff/tiep-nhan`);
    await audit(officer.page, vp, 'counter screen (procedure choice)', officer.watcher);
    const leader = await person(browser, vp, 'lanhdao');
    people.push(leader);
    await leader.page.goto(`${BASE_URL}/staff/tong-quan`);
    await check(at('the leader view shows the load per unit'), async () =>
      oneLine(await leader.page.locator('h1').textContent()) === 'Tổng quan điều hành' ? '' : 'wrong heading');
    await audit(leader.page, vp, 'leader view', leader.watcher);
  } catch (e) {
    if (!(e instanceof Abort)) walkEnded(at('walk'), e);
  } finally {
    for (const p of people) await p.context.close();
  }
}
