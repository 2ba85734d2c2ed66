// Browser end-to-end walk of the motcua web pages, as a person would use them.
//
//   BASE_URL=https://127.0.0.1:PORT ADMIN_USER=quantri OFFICER_USER=motcua.canbo1 PASSWORD='…' \
//     [SCREENSHOT_DIR=dir] [CHROMIUM=/usr/bin/chromium] [AXE_ALLOW=rule-id,…] node tests/e2e/pages.mjs
//
// At a 360x740 phone and a 1280x800 desktop viewport it opens the portal home and the staff sign-in page, signs
// in as an officer by typing into the labelled fields, checks the desk, checks that /admin/users is refused,
// signs out with the header button, signs in as an administrator, visits the admin pages and the password page,
// creates a staff account through the form, and opens an unknown path. A last walk does the officer sign-in with
// JavaScript disabled. At each viewport it also runs the procedure-catalogue walks of catalogue.mjs (citizen and
// administrator), and their no-JS walk last. Every page visited gets an axe-core audit (serious and critical
// violations fail) and, at 360 px, a horizontal-scroll check. One line per check; the last line is
// `N passed, M failed`; exit 1 on failure. The shared helpers (configuration, reporting, audit, sign-in) are in
// lib.mjs.

import path from 'node:path';

import {
  Abort, ADMIN_USER, BASE_URL, CHROMIUM, OFFICER_USER, PASSWORD, RUN_ID, SCREENSHOT_DIR,
  audit, check, chromium, clickAndWait, expectHeading, expectStatus, fail, must, oneLine, openContext, pathOf,
  signIn, summary, typeInto, walkEnded, watch,
} from './lib.mjs';
import { walkCatalogue, walkCatalogueAdmin, walkCatalogueWithoutJs } from './catalogue.mjs';
import { walkSuggest } from './suggest.mjs';
import { walkDossierChannel, walkDossierLists } from './dossiers.mjs';
import { walkFormAdmin } from './forms.mjs';
import { walkPortal } from './portal.mjs';
import { walkReports } from './reports.mjs';
import { walkDossierSearch } from './dossier_search.mjs';
import { walkArchive } from './archive.mjs';

const NEW_PASSWORD = 'Một mật khẩu đủ dài 2026';

// ---------------------------------------------------------------------------------------------------------------
// Walks

async function walk(browser, vp) {
  const context = await openContext(browser, vp); // CSP bypassed so that axe-core can be injected
  const page = await context.newPage();
  const watcher = watch(page);
  const at = (s) => `${vp.name} ${s}`;
  try {
    // Portal home.
    let response = await page.goto(`${BASE_URL}/`, { waitUntil: 'load' });
    await must(at('home: / answers 200 with the portal heading'), async () =>
      expectStatus(response, 200) || (await expectHeading(page, 'Cổng dịch vụ công')));
    await check(at('home: shows the office contact block and the footer'), async () => {
      const contact = await page.getByRole('heading', { name: 'Liên hệ Bộ phận Tiếp nhận và Trả kết quả' }).count();
      const footer = oneLine(await page.locator('footer').textContent());
      if (!contact) return 'no contact heading';
      return footer.includes('Cơ quan chủ quản') ? '' : `footer lacks the owning agency: "${footer.slice(0, 120)}"`;
    });
    await audit(page, vp, 'home', watcher);

    // Staff sign-in page, reached from the home page's button.
    response = await clickAndWait(page, page.getByRole('main').getByRole('link', { name: 'Đăng nhập hệ thống một cửa' }));
    await must(at('login: the home page button opens /staff/login'), async () =>
      expectStatus(response, 200) || (pathOf(page) !== '/staff/login' ? `at ${pathOf(page)}` : '') ||
      (await expectHeading(page, 'Đăng nhập hệ thống một cửa')));
    await audit(page, vp, 'login', watcher);

    // Officer signs in.
    response = await signIn(page, OFFICER_USER, PASSWORD);
    await must(at(`officer: signing in as ${OFFICER_USER} lands on the desk`), async () =>
      expectStatus(response, 200) || (pathOf(page) !== '/staff' ? `at ${pathOf(page)}` : '') ||
      (await expectHeading(page, 'Bàn làm việc')));
    await check(at('officer: the desk greets them by name and shows their account'), async () => {
      const name = oneLine(await page.locator('main p strong').first().textContent());
      const main = oneLine(await page.locator('main').textContent());
      const button = await page.getByRole('button', { name: `Đăng xuất (${OFFICER_USER})` }).count();
      if (!name) return 'no name after "Xin chào"';
      if (!main.includes(OFFICER_USER)) return 'username not on the desk';
      if (!button) return 'no sign-out button with the username in the header';
      const adminLinks = await page.getByRole('navigation').getByRole('link', { name: 'Tài khoản' }).count();
      return adminLinks ? 'officer sees the admin "Tài khoản" link' : '';
    });
    await audit(page, vp, 'officer-desk', watcher);

    response = await page.goto(`${BASE_URL}/admin/users`, { waitUntil: 'load' });
    await check(at('officer: /admin/users answers 403 with the refusal page'), async () =>
      expectStatus(response, 403) || (await expectHeading(page, 'Không có quyền')));
    await audit(page, vp, 'officer-403', watcher);

    // Sign out with the header button.
    await page.goto(`${BASE_URL}/staff`, { waitUntil: 'load' });
    response = await clickAndWait(page, page.getByRole('banner').getByRole('button', { name: /^Đăng xuất/ }));
    await must(at('officer: the header sign-out button lands on the sign-in page'), async () =>
      expectStatus(response, 200) || (pathOf(page) !== '/staff/login' ? `at ${pathOf(page)}` : '') ||
      (await expectHeading(page, 'Đăng nhập hệ thống một cửa')));
    await check(at('officer: after signing out, /staff sends back to the sign-in page'), async () => {
      const probe = await context.newPage();
      try {
        await probe.goto(`${BASE_URL}/staff`, { waitUntil: 'load' });
        return pathOf(probe) === '/staff/login' ? '' : `at ${pathOf(probe)}`;
      } finally {
        await probe.close();
      }
    });

    // Administrator signs in and visits the admin pages through the navigation.
    response = await signIn(page, ADMIN_USER, PASSWORD);
    await must(at(`admin: signing in as ${ADMIN_USER} lands on the desk`), async () =>
      expectStatus(response, 200) || (pathOf(page) !== '/staff' ? `at ${pathOf(page)}` : '') ||
      (await expectHeading(page, 'Bàn làm việc')));
    await audit(page, vp, 'admin-desk', watcher);

    const nav = page.getByRole('navigation', { name: 'Điều hướng chính' });
    for (const [link, where, heading, label] of [
      ['Tài khoản', '/admin/users', 'Tài khoản cán bộ', 'admin-users'],
      ['Tổ chức', '/admin/org', 'Tổ chức', 'admin-org'],
      ['Nhật ký', '/admin/audit', 'Nhật ký hệ thống', 'admin-audit'],
    ]) {
      response = await clickAndWait(page, nav.getByRole('link', { name: link, exact: true }));
      const ok = await check(at(`admin: the "${link}" link opens ${where}`), async () =>
        expectStatus(response, 200) || (pathOf(page) !== where ? `at ${pathOf(page)}` : '') ||
        (await expectHeading(page, heading)));
      if (ok) await audit(page, vp, label, watcher);
    }
    await check(at('admin: the audit log hash chain is intact'), async () => {
      const status = oneLine(await page.getByRole('status').first().textContent());
      return status.startsWith('Chuỗi băm toàn vẹn') ? '' : status;
    });

    await page.goto(`${BASE_URL}/staff`, { waitUntil: 'load' });
    response = await clickAndWait(page, page.getByRole('main').getByRole('link', { name: 'Đổi mật khẩu' }));
    if (
      await check(at('admin: the desk link opens /staff/password with three labelled fields'), async () => {
        const problem = expectStatus(response, 200) || (pathOf(page) !== '/staff/password' ? `at ${pathOf(page)}` : '') ||
          (await expectHeading(page, 'Đổi mật khẩu'));
        if (problem) return problem;
        for (const label of ['Mật khẩu hiện tại', 'Mật khẩu mới', 'Nhập lại mật khẩu mới']) {
          if (!(await page.getByLabel(label, { exact: false }).count())) return `no field labelled "${label}"`;
        }
        return '';
      })
    ) {
      await audit(page, vp, 'password', watcher);
    }

    // Create a staff account through the form.
    const username = `e2e.${RUN_ID.toString(36)}${vp.name[0]}`; // unique per run and viewport, short enough for the table
    await page.goto(`${BASE_URL}/admin/users`, { waitUntil: 'load' });
    await check(at(`admin: creating ${username} through the form lists it in the table`), async () => {
      const form = page.locator('form[action="/admin/users"]');
      await typeInto(form, 'Tên đăng nhập', username);
      await typeInto(form, 'Họ và tên', 'Nguyễn Thị Thử Nghiệm');
      await form.getByLabel('Vai trò').selectOption('specialist');
      const unit = form.getByLabel('Đơn vị');
      const firstUnit = await unit.locator('option:not([value=""])').first().getAttribute('value');
      if (!firstUnit) return 'the unit select has no unit';
      await unit.selectOption(firstUnit);
      await typeInto(form, 'Mật khẩu ban đầu', NEW_PASSWORD);
      const r = await clickAndWait(page, form.getByRole('button', { name: 'Tạo tài khoản' }));
      if (r.status() !== 200 || pathOf(page) !== '/admin/users') {
        const errors = oneLine((await page.locator('.alert.error, p.error').allTextContents()).join(' '));
        return `HTTP ${r.status()} at ${pathOf(page)}: ${errors}`;
      }
      const row = page.locator('tbody tr', { has: page.locator('code', { hasText: username }) });
      if ((await row.count()) !== 1) return `no table row for ${username}`;
      const text = oneLine(await row.textContent());
      if (!text.includes('Chuyên viên')) return `row lacks the role: ${text}`;
      if (!text.includes('Hoạt động')) return `row lacks the active badge: ${text}`;
      return '';
    });
    await audit(page, vp, 'admin-users-created', watcher);

    // Unknown path.
    response = await page.goto(`${BASE_URL}/khong-co-trang-nay-${RUN_ID}`, { waitUntil: 'load' });
    await check(at('unknown path answers 404 with the not-found page'), async () =>
      expectStatus(response, 404) || (await expectHeading(page, 'Không tìm thấy')) ||
      ((await page.getByRole('link', { name: 'Về trang chủ' }).count()) ? '' : 'no link back home'));
    await audit(page, vp, 'not-found', watcher);

    // Leave signed out.
    await page.goto(`${BASE_URL}/staff`, { waitUntil: 'load' });
    response = await clickAndWait(page, page.getByRole('banner').getByRole('button', { name: /^Đăng xuất/ }));
    await check(at('admin: signs out with the header button'), async () =>
      pathOf(page) === '/staff/login' ? '' : `at ${pathOf(page)}`);
  } catch (e) {
    walkEnded(at('walk'), e);
  } finally {
    await context.close();
  }
}

/** The officer signs in with JavaScript disabled, and the CSP (not bypassed here) blocks nothing on the way. */
async function walkWithoutJs(browser) {
  const context = await openContext(browser, { name: 'no-js', width: 360, height: 740 }, { javaScriptEnabled: false });
  const page = await context.newPage();
  const watcher = watch(page);
  const at = (s) => `no-js ${s}`;
  try {
    let response = await page.goto(`${BASE_URL}/staff`, { waitUntil: 'load' });
    await must(at('/staff sends a signed-out visitor to the sign-in page'), async () =>
      expectStatus(response, 200) || (pathOf(page) !== '/staff/login' ? `at ${pathOf(page)}` : ''));
    const u = page.getByLabel('Tên đăng nhập', { exact: false });
    const p = page.getByLabel('Mật khẩu', { exact: false });
    await u.fill(OFFICER_USER);
    await p.fill(PASSWORD);
    response = await clickAndWait(page, page.getByRole('button', { name: 'Đăng nhập', exact: true }));
    await must(at(`signing in as ${OFFICER_USER} reaches /staff`), async () =>
      expectStatus(response, 200) || (pathOf(page) !== '/staff' ? `at ${pathOf(page)}` : '') ||
      (await expectHeading(page, 'Bàn làm việc')));
    response = await clickAndWait(page, page.getByRole('banner').getByRole('button', { name: /^Đăng xuất/ }));
    await check(at('signing out with the header button works'), async () =>
      pathOf(page) === '/staff/login' ? '' : `at ${pathOf(page)}`);
    await check(at('no CSP violations, failed assets or console errors'), async () => watcher.take().join('; '));
    if (SCREENSHOT_DIR) await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'no-js-login-after-signout.png'), fullPage: true });
  } catch (e) {
    if (!(e instanceof Abort)) fail(at('walk'), e && e.message ? e.message.split('\n')[0] : e);
  } finally {
    await context.close();
  }
}

// ---------------------------------------------------------------------------------------------------------------

let browser;
try {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  for (const vp of [
    { name: 'phone', width: 360, height: 740 },
    { name: 'desktop', width: 1280, height: 800 },
  ]) {
    await walk(browser, vp);
    await walkCatalogue(browser, vp);
    await walkCatalogueAdmin(browser, vp);
    await walkSuggest(browser, vp);
    await walkDossierLists(browser, vp);
    await walkFormAdmin(browser, vp);
    await walkPortal(browser, vp);
    await walkReports(browser, vp);
    await walkDossierSearch(browser, vp);
    await walkArchive(browser, vp);
  }
  const desktop = { name: 'desktop', width: 1280, height: 800 };
  for (const channel of [1, 3, 2]) await walkDossierChannel(browser, desktop, channel);
  await walkWithoutJs(browser);
  await walkCatalogueWithoutJs(browser);
} catch (e) {
  fail('browser', e && e.message ? e.message.split('\n')[0] : e);
} finally {
  if (browser) await browser.close().catch(() => {});
}
const { passed, failed } = summary();
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
