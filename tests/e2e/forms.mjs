// Browser walk of the printed forms (called from pages.mjs).
//
// walkFormAdmin: the administrator opens /admin/forms (the set in force, the set chooser, the set's templates) and
// the edit page of Form 01, then submits a broken template and gets it back refused with its line number (nothing
// is saved, so the walk can run any number of times); an officer opens a received demo dossier from the
// "received" queue, its receipt (Form 01) print view and the year's register. Admin pages get the full audit of
// lib.mjs; the print views are documents on print.css alone, so they get the same axe, scroll and asset checks
// without the site.css one.

import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

import {
  ADMIN_USER, BASE_URL, OFFICER_USER, PASSWORD,
  audit, check, clickAndWait, expectHeading, expectStatus, must, oneLine, openContext, pathOf, signIn, walkEnded, watch,
} from './lib.mjs';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const AXE_ALLOW = new Set((process.env.AXE_ALLOW || '').split(',').map((s) => s.trim()).filter(Boolean));

const url = (p) => `${BASE_URL}${p}`;
const CODE = /^H40\.12-\d{6}-\d{4}$/;
/** The editor's template box. */
const box = (page) => page.getByRole('textbox', { name: 'Nội dung mẫu (HTML, cú pháp MiniJinja)' });
const RECEIPT_TITLE = 'GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ';

/** The per-page checks of a print view: axe-core, 360 px horizontal scroll, failed assets and console errors. */
async function auditPrint(page, vp, label, watcher) {
  const where = `${vp.name} ${label}`;
  await check(`${where}: axe finds no serious or critical violations`, async () => {
    if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.addScriptTag({ content: axeSource });
    const result = await page.evaluate(async () => {
      // eslint-disable-next-line no-undef
      const r = await axe.run(document, { resultTypes: ['violations'] });
      return r.violations.map((v) => ({
        id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')),
        summary: v.nodes[0] ? v.nodes[0].failureSummary : '',
      }));
    });
    const bad = result.filter((v) => (v.impact === 'serious' || v.impact === 'critical') && !AXE_ALLOW.has(v.id));
    for (const v of result.filter((x) => !bad.includes(x))) {
      console.log(`  note ${where}: axe ${v.impact} ${v.id} (${v.help}) at ${v.nodes.slice(0, 3).join(', ')}`);
    }
    return bad
      .map((v) => `[${v.impact}] ${v.id}: ${v.help} at ${v.nodes.slice(0, 4).join(', ')}${v.nodes.length > 4 ? ` (+${v.nodes.length - 4})` : ''} — ${v.summary}`)
      .join(' | ');
  });
  if (vp.width <= 360) {
    await check(`${where}: no horizontal scroll at ${vp.width}px`, async () => {
      const m = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
      return m.scroll <= m.inner + 1 ? '' : `scrollWidth ${m.scroll} > innerWidth ${m.inner}`;
    });
  }
  await check(`${where}: print stylesheet, images and scripts load without errors`, async () => {
    const problems = watcher.take();
    const css = await page.evaluate(() => [...document.styleSheets].some((s) => (s.href || '').endsWith('/assets/css/print.css')));
    if (!css) problems.push('print.css is not applied');
    return problems.join('; ');
  });
}

/** A signed-in page for `username`. */
async function person(browser, vp, username) {
  const context = await openContext(browser, vp);
  const page = await context.newPage();
  const watcher = watch(page);
  await page.goto(url('/staff/login'));
  await signIn(page, username, PASSWORD);
  if (pathOf(page) !== '/staff') throw new Error(`${username} did not reach the desk (at ${pathOf(page)})`);
  return { context, page, watcher };
}

export async function walkFormAdmin(browser, vp) {
  const at = (s) => `${vp.name} printed forms: ${s}`;
  const people = [];
  try {
    const admin = await person(browser, vp, ADMIN_USER);
    people.push(admin);
    let { page } = admin;
    await must(at('the header links to the forms page'), async () => {
      await clickAndWait(page, page.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name: 'Biểu mẫu', exact: true }));
      return pathOf(page) === '/admin/forms' ? '' : `the link went to ${pathOf(page)}`;
    });
    await check(at('the page names the set in force and offers both sets'), async () => {
      const h1 = await expectHeading(page, 'Biểu mẫu in');
      if (h1) return h1;
      const active = oneLine(await page.locator('main .card strong').first().textContent());
      if (!/^Thông tư 0[13]\/20(18|25)\/TT-VPCP \([67] mẫu\)$/.test(active)) return `the set in force reads "${active}"`;
      const radios = await page.getByRole('radio').count();
      return radios >= 2 ? '' : `${radios} sets to choose from`;
    });
    await audit(page, vp, 'form admin', admin.watcher);

    await must(at('Form 01 opens in the editor with its body'), async () => {
      const response = await clickAndWait(page, page.getByRole('link', { name: 'Sửa mẫu số 01' }).first());
      const status = expectStatus(response, 200);
      if (status) return status;
      const body = await box(page).inputValue();
      return body.includes('{{') ? '' : 'the template box is empty';
    });
    await audit(page, vp, 'form template editor', admin.watcher);

    await check(at('a broken template is refused with its line number and kept in the box'), async () => {
      const broken = '<section class="sheet">\n<p>{{ dossier.code }}</p>\n{% for c in %}\n</section>';
      await box(page).fill(broken);
      const response = await clickAndWait(page, page.getByRole('button', { name: 'Lưu mẫu', exact: true }));
      const status = expectStatus(response, 422);
      if (status) return status;
      const error = oneLine(await page.locator('#f-body-error').textContent());
      if (!error.includes('dòng 3')) return `the error reads "${error}"`;
      const kept = await box(page).inputValue();
      return kept === broken ? '' : 'the refused text was not kept';
    });
    await audit(page, vp, 'form template editor (refused)', admin.watcher);

    const officer = await person(browser, vp, OFFICER_USER);
    people.push(officer);
    ({ page } = officer);
    await page.goto(url('/staff/dossiers?queue=received'));
    let code = '';
    await must(at('the received queue lists a demo dossier with a code'), async () => {
      for (const link of await page.getByRole('main').getByRole('link').all()) {
        const text = oneLine(await link.textContent());
        if (CODE.test(text)) {
          code = text;
          await clickAndWait(page, link);
          return '';
        }
      }
      return 'no dossier code in the received queue';
    });
    await must(at(`the receipt of ${code} prints with its exact title, twice`), async () => {
      const response = await clickAndWait(page, page.getByRole('link', { name: /^Giấy tiếp nhận hồ sơ/ }).first());
      const status = expectStatus(response, 200);
      if (status) return status;
      const titles = (await page.locator('h1.form-title').allTextContents()).map(oneLine);
      if (titles.length !== 2 || titles.some((t) => t !== RECEIPT_TITLE)) return `titles ${JSON.stringify(titles)}`;
      return oneLine(await page.locator('main').textContent()).includes(code) ? '' : `the code ${code} is not printed`;
    });
    await auditPrint(page, vp, 'receipt print view', officer.watcher);

    await check(at('the register opens with this year\'s entries'), async () => {
      const response = await page.goto(url('/staff/register'));
      const status = expectStatus(response, 200);
      if (status) return status;
      const text = oneLine(await page.locator('main').textContent());
      return text.includes('SỔ THEO DÕI HỒ SƠ') ? '' : 'no register title';
    });
    await auditPrint(page, vp, 'register print view', officer.watcher);
  } catch (e) {
    walkEnded(at('walk'), e);
  } finally {
    for (const p of people) await p.context.close();
  }
}
