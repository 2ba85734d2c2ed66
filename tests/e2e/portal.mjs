// The citizen's walk through the portal, as issue 5 asks: register an account (address from the catalogue), submit
// an online dossier of DEMO-HT-07 with a repeating group (two rows of residence history), a conditional field
// (marriage details shown when the purpose is marriage) and two attachments, see a prefilled answer on a second
// submission, answer the officer's supplement request from the notification bell, and — after the office has
// processed it and issued a signed electronic result from the staff page — download and verify that result and
// rate the service; finally the public lookup shows the code's progress and nothing personal. Staff steps in
// between go through the JSON API as the staff themselves (their pages have their own walks), except the
// electronic result, which the officer issues in the browser. Every citizen page gets the axe and 360 px audit.

import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

import {
  BASE_URL, PASSWORD, RUN_ID, audit, check, clickAndWait, must, oneLine, openContext, pathOf, signIn, walkEnded, watch,
} from './lib.mjs';

const require = createRequire(import.meta.url);
const { request } = require('playwright-core');

const PROCEDURE = 'DEMO-HT-07';

/** A minimal one-page PDF holding `text`. */
function pdf(text) {
  const content = `BT /F1 14 Tf 72 760 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets = [];
  objects.forEach((body, i) => { offsets.push(out.length); out += `${i + 1} 0 obj\n${body}\nendobj\n`; });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** A 1x1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

/** The JSON API as one staff member. */
async function staffApi(username) {
  const ctx = await request.newContext({ baseURL: BASE_URL, ignoreHTTPSErrors: true });
  const login = await ctx.post('/api/v1/auth/login', { data: { username, password: PASSWORD } });
  const { token } = await login.json();
  const headers = { Authorization: `Bearer ${token}` };
  return {
    async act(ref, body) {
      const r = await ctx.post(`/api/v1/dossiers/${encodeURIComponent(ref)}/actions`, { headers, data: body });
      if (r.status() !== 200) throw new Error(`${username} ${body.action} answered ${r.status()}: ${(await r.text()).slice(0, 300)}`);
      return r.json();
    },
    async me() { return (await (await ctx.get('/api/v1/me', { headers })).json()).user; },
    dispose: () => ctx.dispose(),
  };
}

/** A 12-digit citizen ID for someone born in 1995, unique to this run and viewport. */
const idNumber = (salt) => `0010950${String((RUN_ID + salt) % 100000).padStart(5, '0')}`;

const field = (page, name) => page.locator(`[name="${name}"]`).first();

export async function walkPortal(browser, vp) {
  const context = await openContext(browser, vp);
  const page = await context.newPage();
  const watcher = watch(page);
  const at = (s) => `${vp.name} portal ${s}`;
  const id = idNumber(vp.width);
  const name = `Phạm Thị Thử ${vp.name === 'phone' ? 'Điện Thoại' : 'Máy Tính'}`;
  const staff = [];
  try {
    // 1. Registration, with the commune list loaded by the province picker.
    let response = await page.goto(`${BASE_URL}/dang-ky`, { waitUntil: 'load' });
    await must(at('register: /dang-ky answers 200'), async () => (response.status() === 200 ? '' : `HTTP ${response.status()}`));
    await audit(page, vp, 'portal-register', watcher);
    await page.getByLabel('Họ và tên').fill(name);
    await page.getByLabel('Số định danh cá nhân', { exact: false }).fill(id);
    await page.getByLabel('Ngày sinh').fill('1995-05-17');
    await page.getByLabel('Số điện thoại di động').fill('0987654321');
    await page.getByLabel('Thư điện tử').fill(`thu.${vp.name}@example.vn`);
    await page.getByLabel('Tỉnh, thành phố').selectOption('24');
    await must(at('register: choosing the province loads its communes'), async () => {
      await page.locator('#f-commune option[value="09319"]').waitFor({ state: 'attached', timeout: 5000 });
      return '';
    });
    await page.getByLabel('Xã, phường, đặc khu').selectOption('09319');
    await page.getByLabel('Số nhà, đường, thôn, xóm').fill('Thôn Đông');
    await page.getByLabel('Mật khẩu (ít nhất 12 ký tự)').fill(PASSWORD);
    await page.getByLabel('Nhập lại mật khẩu').fill(PASSWORD);
    response = await clickAndWait(page, page.getByRole('button', { name: 'Đăng ký', exact: true }));
    await must(at('register: the new citizen lands signed in on "Hồ sơ của tôi"'), async () =>
      pathOf(page) !== '/ho-so-cua-toi' ? `at ${pathOf(page)} (HTTP ${response.status()}): ${oneLine(await page.locator('main').textContent()).slice(0, 300)}` : '');
    await audit(page, vp, 'portal-my-dossiers', watcher);

    // 2. From the procedure page to the e-form, prefilled from the profile.
    await page.goto(`${BASE_URL}/thu-tuc/${PROCEDURE}`, { waitUntil: 'load' });
    await clickAndWait(page, page.getByRole('link', { name: 'Nộp hồ sơ trực tuyến' }).first());
    await must(at('submit: the procedure page leads to the start page'), async () =>
      pathOf(page) === `/nop-ho-so/${PROCEDURE}` ? '' : `at ${pathOf(page)}`);
    await audit(page, vp, 'portal-start', watcher);
    await clickAndWait(page, page.getByRole('button', { name: 'Bắt đầu khai hồ sơ mới' }));
    await must(at('form: the applicant fields are prefilled from the profile and marked for checking'), async () => {
      const value = await field(page, 'f.nguoi_yeu_cau_ho_ten').inputValue();
      const marks = await page.locator('.eform-prefilled').count();
      return value !== name ? `name field holds "${value}"` : marks < 3 ? `only ${marks} prefill marks` : '';
    });
    await audit(page, vp, 'portal-eform', watcher);

    // 3. The e-form: choices, two rows of the repeating group, and the conditional marriage fields.
    await page.locator('label', { hasText: /^Nữ$/ }).first().click();
    await field(page, 'f.dan_toc').fill('Kinh');
    await field(page, 'f.quoc_tich').fill('Việt Nam');
    await page.locator('label', { hasText: 'Chưa kết hôn với ai' }).first().click();
    for (const row of [0, 1]) {
      await clickAndWait(page, page.getByRole('button', { name: 'Thêm dòng' }).first());
      await field(page, `f.qua_trinh_cu_tru.${row}.noi_cu_tru.province`).selectOption('24');
      await page.locator(`[name="f.qua_trinh_cu_tru.${row}.noi_cu_tru.commune"] option[value="09319"]`).waitFor({ state: 'attached' });
      await field(page, `f.qua_trinh_cu_tru.${row}.noi_cu_tru.commune`).selectOption('09319');
      await field(page, `f.qua_trinh_cu_tru.${row}.tu_ngay`).fill(row === 0 ? '2013-09-01' : '2017-07-01');
      await field(page, `f.qua_trinh_cu_tru.${row}.den_ngay`).fill(row === 0 ? '2017-06-30' : '2024-12-31');
    }
    await check(at('form: "Thêm dòng" gives the residence history two rows'), async () => {
      const rows = await page.locator('[name$=".tu_ngay"]').count();
      return rows === 2 ? '' : `${rows} rows`;
    });
    const marriage = page.locator('[data-show-if-equals="Để đăng ký kết hôn"]').first();
    await check(at('form: the marriage fields stay hidden until the purpose is marriage'), async () =>
      (await marriage.isVisible()) ? 'visible before choosing' : '');
    await page.locator('label', { hasText: 'Để đăng ký kết hôn' }).first().click();
    await must(at('form: choosing marriage shows the conditional fields'), async () =>
      (await marriage.isVisible()) ? '' : 'still hidden');
    await field(page, 'f.ket_hon_voi_ho_ten').fill('Nguyễn Văn Rể');
    await field(page, 'f.ket_hon_voi_ngay_sinh').fill('1993-02-03');
    await field(page, 'f.ket_hon_voi_quoc_tich').fill('Việt Nam');
    await field(page, 'f.ket_hon_voi_giay_to').fill('Căn cước 001093001234');
    await field(page, 'f.noi_dang_ky_ket_hon').fill('UBND xã Tiên Du');
    await field(page, 'f.so_ban').fill('2');
    await page.locator('label', { hasText: 'Nhận bản điện tử trên Cổng Dịch vụ công' }).first().click();
    await clickAndWait(page, page.getByRole('button', { name: 'Tiếp tục' }));
    await must(at('form: a complete form moves on to the papers'), async () =>
      new URL(page.url()).searchParams.get('buoc') === 'giay-to' ? '' : `at ${page.url()}: ${oneLine(await page.locator('.alert').first().textContent().catch(() => ''))}`);
    await audit(page, vp, 'portal-papers', watcher);

    // 4. Papers: a renamed program is refused; a PDF and a PNG are attached with the progress indicator.
    const card = (position) => page.locator('ol.papers > li').nth(position - 1);
    const upload = async (position, file) => {
      await card(position).locator('input[type=file]').setInputFiles(file);
      return clickAndWait(page, card(position).getByRole('button', { name: 'Tải lên' }));
    };
    // A refused upload comes back as the papers page with the message (upload.js writes the answer in place).
    await card(1).locator('input[type=file]').setInputFiles({ name: 'to-khai.pdf', mimeType: 'application/pdf', buffer: Buffer.from('MZ\x90\x00 not really a pdf') });
    await card(1).getByRole('button', { name: 'Tải lên' }).click();
    await check(at('papers: a program renamed to .pdf is refused with a message beside its control'), async () => {
      await page.locator('ol.papers > li .error').first().waitFor({ timeout: 10000 });
      const text = oneLine(await card(1).textContent());
      return text.includes('Đã đính kèm') ? 'it was attached' : '';
    });
    watcher.take(); // the refused upload's 422 is the expected answer, not a broken asset
    await upload(1, { name: 'to-khai.pdf', mimeType: 'application/pdf', buffer: pdf('To khai xac nhan tinh trang hon nhan') });
    await upload(2, { name: 'giay-to.png', mimeType: 'image/png', buffer: PNG });
    await must(at('papers: both files are attached'), async () => {
      const n = await page.locator('.attached').count();
      return n === 2 ? '' : `${n} attached`;
    });
    await check(at('papers: the size limit is shown beside each upload control'), async () => {
      const limits = await page.locator('ol.papers p.muted', { hasText: 'Dung lượng tối đa 20 MB' }).count();
      return limits >= 2 ? '' : `${limits} limit notes`;
    });
    await clickAndWait(page, page.getByRole('link', { name: 'Tiếp tục' }));
    await audit(page, vp, 'portal-delivery', watcher);
    await page.getByLabel('Nhận kết quả điện tử trên Cổng dịch vụ công').check();
    await clickAndWait(page, page.getByRole('button', { name: 'Tiếp tục' }));
    await audit(page, vp, 'portal-review', watcher);
    await clickAndWait(page, page.getByRole('button', { name: 'Nộp hồ sơ' }));
    await must(at('submit: the confirmation gives the receipt time and the status "Mới đăng ký"'), async () => {
      const text = oneLine(await page.locator('main').textContent());
      if (!text.includes('Hồ sơ đã được gửi lúc')) return `no confirmation: ${text.slice(0, 200)}`;
      return text.includes('Mới đăng ký') ? '' : 'status is not "Mới đăng ký"';
    });
    await audit(page, vp, 'portal-submitted', watcher);
    const dossier = pathOf(page).split('/').pop();

    // 5. A second submission of the same procedure offers the earlier answer.
    await page.goto(`${BASE_URL}/nop-ho-so/${PROCEDURE}`, { waitUntil: 'load' });
    await clickAndWait(page, page.getByRole('button', { name: 'Bắt đầu khai hồ sơ mới' }));
    await check(at('second submission: "Dân tộc" is prefilled from the earlier dossier'), async () => {
      const v = await field(page, 'f.dan_toc').inputValue();
      return v === 'Kinh' ? '' : `holds "${v}"`;
    });
    await page.goto(`${BASE_URL}${pathOf(page)}?buoc=xem-lai`, { waitUntil: 'load' });
    await clickAndWait(page, page.getByRole('button', { name: 'Huỷ hồ sơ nháp này' }));

    // 6. The officer asks for a supplement; the bell rings; the citizen answers it online.
    const officer = await staffApi('motcua.canbo1');
    staff.push(officer);
    await officer.act(dossier, { action: 'request_supplement', reason: 'Bản chụp giấy tờ chưa rõ.', items: ['Tờ khai bản rõ nét'] });
    await page.goto(`${BASE_URL}/ho-so-cua-toi`, { waitUntil: 'load' });
    await check(at('bell: the header shows an unread notification'), async () => {
      const badge = oneLine(await page.locator('a.bell .badge').textContent().catch(() => ''));
      return Number(badge) >= 1 ? '' : `badge "${badge}"`;
    });
    await clickAndWait(page, page.locator('a.bell'));
    await audit(page, vp, 'portal-notices', watcher);
    await clickAndWait(page, page.locator('ul.notices a', { hasText: 'Yêu cầu bổ sung' }).first());
    await must(at('supplement: the dossier page shows the request and its items'), async () => {
      const text = oneLine(await page.locator('main').textContent());
      return text.includes('Tờ khai bản rõ nét') ? '' : 'items not shown';
    });
    await audit(page, vp, 'portal-dossier-supplement', watcher);
    await clickAndWait(page, page.getByRole('link', { name: 'Bổ sung hồ sơ trực tuyến' }));
    await audit(page, vp, 'portal-supplement-form', watcher);
    await page.locator('input[name="file_1"]').setInputFiles({ name: 'to-khai-ro-net.pdf', mimeType: 'application/pdf', buffer: pdf('To khai ban ro net') });
    await clickAndWait(page, page.getByRole('button', { name: 'Nộp bổ sung' }));
    await must(at('supplement: handing it in keeps the code and says so'), async () => {
      const text = oneLine(await page.locator('main').textContent());
      return text.includes('Đã nộp bổ sung hồ sơ') ? '' : text.slice(0, 200);
    });

    // 7. The office processes it; the officer issues the signed electronic result on the staff page.
    await officer.act(dossier, { action: 'receive' });
    const json = await officer.act(dossier, { action: 'transfer', to_unit: 'H40.12.2' });
    const code = json.code;
    const head = await staffApi('tuphap.truong');
    const specialist = await staffApi('tuphap.chuyenvien');
    staff.push(head, specialist);
    await head.act(code, { action: 'assign', to_user: (await specialist.me()).id });
    await specialist.act(code, { action: 'approve' });
    await head.act(code, { action: 'approve' });
    await specialist.act(code, { action: 'complete' });
    const staffContext = await openContext(browser, vp);
    const staffPage = await staffContext.newPage();
    await staffPage.goto(`${BASE_URL}/staff/login`);
    await signIn(staffPage, 'motcua.canbo1', PASSWORD);
    await staffPage.goto(`${BASE_URL}/staff/dossiers/${code}`, { waitUntil: 'load' });
    await staffPage.getByLabel('Tệp kết quả', { exact: false }).setInputFiles({ name: 'giay-xac-nhan.pdf', mimeType: 'application/pdf', buffer: pdf('Giay xac nhan tinh trang hon nhan') });
    await clickAndWait(staffPage, staffPage.getByRole('button', { name: 'Phát hành kết quả điện tử' }));
    await staffContext.close();
    await officer.act(code, { action: 'notify_applicant', method: 'Cổng dịch vụ công' });
    await officer.act(code, { action: 'return_result' });

    // 8. The citizen downloads the signed result and verifies it, then rates the service.
    await page.goto(`${BASE_URL}/ho-so-cua-toi/${code}`, { waitUntil: 'load' });
    await audit(page, vp, 'portal-dossier-returned', watcher);
    const resultLink = page.getByRole('link', { name: /^Tải kết quả/ });
    const [download] = await Promise.all([page.waitForEvent('download'), resultLink.click()]);
    const resultPath = await download.path();
    await check(at('result: the downloaded result is the issued PDF'), async () =>
      readFileSync(resultPath).subarray(0, 5).toString('latin1') === '%PDF-' ? '' : 'not a PDF');
    await clickAndWait(page, page.locator('#results a', { hasText: /-/ }).last().or(page.locator('a[href^="/xac-thuc-ket-qua/"]').first()));
    await page.locator('#verify-file').setInputFiles(resultPath);
    await clickAndWait(page, page.getByRole('button', { name: 'Kiểm tra' }));
    await must(at('result: the verification page says the file is genuine and unaltered'), async () => {
      const text = oneLine(await page.locator('main').textContent());
      return text.includes('Kết quả điện tử hợp lệ, chưa bị sửa đổi') ? '' : text.slice(0, 200);
    });
    await audit(page, vp, 'portal-verify', watcher);
    await page.goto(`${BASE_URL}/ho-so-cua-toi/${code}`, { waitUntil: 'load' });
    await page.getByLabel('Rất hài lòng').first().check();
    await clickAndWait(page, page.getByRole('button', { name: 'Gửi đánh giá' }));
    await check(at('rating: the rating is thanked and can be changed'), async () => {
      const text = oneLine(await page.locator('main').textContent());
      return text.includes('Cảm ơn Ông/Bà đã đánh giá') && text.includes('Cập nhật đánh giá') ? '' : text.slice(0, 200);
    });

    // 9. The public lookup shows how far the dossier has come, and nothing personal.
    const anon = await openContext(browser, vp);
    const anonPage = await anon.newPage();
    const anonWatcher = watch(anonPage);
    await anonPage.goto(`${BASE_URL}/tra-cuu/${code}`, { waitUntil: 'load' });
    await check(at('lookup: an anonymous visitor sees the status but not the applicant'), async () => {
      const text = oneLine(await anonPage.locator('main').textContent());
      if (!text.includes('Đã trả kết quả')) return `no status: ${text.slice(0, 200)}`;
      return text.includes(name) || text.includes(id) ? 'personal data shown' : '';
    });
    await audit(anonPage, vp, 'portal-lookup', anonWatcher);
    await anon.close();
  } catch (e) {
    walkEnded(at('walk'), e);
  } finally {
    for (const s of staff) await s.dispose();
    await context.close();
  }
}
