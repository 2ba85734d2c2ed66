// The archivist's walk: the demo archivist opens "Lưu trữ" from the navigation, sees the closed dossiers past their
// retention (the demo makes them years old through the real services), opens the oldest, downloads its archive
// package (a ZIP), marks it "Đã nộp lưu", sees the hand-over on the dossier page and finds it under "Đã nộp lưu";
// then an officer is refused the list. Each viewport archives a different dossier. Used by pages.mjs.

import { readFileSync } from 'node:fs';

import {
  BASE_URL, PASSWORD, audit, check, clickAndWait, expectHeading, expectStatus, must, oneLine, openContext, pathOf,
  signIn, walkEnded, watch,
} from './lib.mjs';

const ARCHIVIST = 'luutru';

/** The dossier codes listed on an archive page, in order. */
const listedCodes = async (page) =>
  (await page.locator('main td[data-label="Mã hồ sơ"] code').allTextContents()).map(oneLine);

export async function walkArchive(browser, vp) {
  const at = (s) => `${vp.name} archive: ${s}`;
  const contexts = [];
  try {
    const context = await openContext(browser, vp);
    contexts.push(context);
    const page = await context.newPage();
    const watcher = watch(page);
    await page.goto(`${BASE_URL}/staff/login`);
    await signIn(page, ARCHIVIST, PASSWORD);
    await must(at(`${ARCHIVIST} signs in`), async () => (pathOf(page) === '/staff' ? '' : `at ${pathOf(page)}`));

    const nav = page.getByRole('navigation', { name: 'Điều hướng chính' });
    await clickAndWait(page, nav.getByRole('link', { name: 'Lưu trữ', exact: true }));
    await must(at('the navigation opens the archive list'), async () =>
      (pathOf(page) === '/staff/luu-tru' ? expectHeading(page, 'Lưu trữ hồ sơ') : `at ${pathOf(page)}`));
    const due = await listedCodes(page);
    await must(at('closed dossiers past their retention are listed'), async () =>
      (due.length >= 1 ? '' : 'the list is empty'));
    await check(at('every row shows the retention and when it ended'), async () => {
      const rows = await page.locator('main tbody tr').allTextContents();
      const bad = rows.map(oneLine).filter((r) => !/\d+ năm/.test(r) || !/\d{2}\/\d{2}\/\d{4}/.test(r));
      return bad.length ? `rows without retention or dates: ${bad.slice(0, 2).join(' | ')}` : '';
    });
    await audit(page, vp, 'archive list', watcher);

    const code = due[0];
    await clickAndWait(page, page.getByRole('link', { name: code, exact: true }));
    await must(at(`the oldest dossier ${code} opens`), () => expectHeading(page, `Hồ sơ ${code}`));
    const section = page.locator('#luu-tru');
    await check(at('the dossier page says it is due for the archives'), async () => {
      const text = oneLine(await section.textContent());
      return text.includes('đã đến hạn nộp lưu') && text.includes('Chưa nộp lưu trữ') ? '' : text.slice(0, 300);
    });
    await audit(page, vp, 'archive dossier', watcher);

    await check(at('the archive package downloads as a ZIP with its checksums'), async () => {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        section.getByRole('link', { name: 'Tải gói hồ sơ lưu trữ (ZIP)' }).click(),
      ]);
      const name = download.suggestedFilename();
      if (name !== `${code}-luu-tru.zip`) return `suggested name "${name}"`;
      const bytes = readFileSync(await download.path());
      if (bytes.subarray(0, 2).toString('latin1') !== 'PK') return `${bytes.length} bytes, not a zip`;
      const text = bytes.toString('latin1');
      return ['ho-so.json', 'lich-su.csv', 'SHA256SUMS', 'tai-lieu/'].filter((n) => !text.includes(n))
        .map((n) => `no ${n}`).join(', ');
    });

    const response = await clickAndWait(page, section.getByRole('button', { name: 'Đã nộp lưu', exact: true }));
    await must(at('"Đã nộp lưu" records the hand-over'), async () =>
      expectStatus(response, 200) || (pathOf(page) !== `/staff/dossiers/${code}` ? `at ${pathOf(page)}` : ''));
    await check(at('the dossier stays readable and shows "Đã nộp lưu trữ ngày …"'), async () => {
      const status = oneLine(await page.locator('#status').textContent());
      const alert = oneLine(await page.getByRole('status').first().textContent());
      if (!status.includes('Đã nộp lưu trữ ngày')) return `status line: ${status}`;
      if (!alert.includes('Đã ghi nhận hồ sơ đã nộp lưu trữ')) return `alert: ${alert}`;
      return (await section.getByRole('button', { name: 'Đã nộp lưu' }).count()) ? 'the button is still offered' : '';
    });
    await check(at('the history records the hand-over'), async () => {
      const history = oneLine(await page.locator('ol.history').textContent());
      return history.includes('Nộp lưu trữ') ? '' : 'no "Nộp lưu trữ" line';
    });
    await audit(page, vp, 'archived dossier', watcher);

    await page.goto(`${BASE_URL}/staff/luu-tru`);
    await check(at('the dossier left the list of those due'), async () =>
      ((await listedCodes(page)).includes(code) ? `${code} still listed` : ''));
    await clickAndWait(page, page.getByRole('link', { name: 'Đã nộp lưu', exact: true }));
    await check(at('it is listed under "Đã nộp lưu", newest first'), async () => {
      const archived = await listedCodes(page);
      return archived[0] === code ? '' : `first archived is ${archived[0]}`;
    });
    await audit(page, vp, 'archived list', watcher);

    const officerContext = await openContext(browser, vp);
    contexts.push(officerContext);
    const officer = await officerContext.newPage();
    const officerWatch = watch(officer);
    await officer.goto(`${BASE_URL}/staff/login`);
    await signIn(officer, 'motcua.canbo1', PASSWORD);
    await check(at('an officer has no "Lưu trữ" link'), async () =>
      ((await officer.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name: 'Lưu trữ' }).count())
        ? 'the link is shown' : ''));
    const refused = await officer.goto(`${BASE_URL}/staff/luu-tru`);
    await check(at('an officer is refused the archive list'), async () =>
      expectStatus(refused, 403) || expectHeading(officer, 'Không có quyền'));
    officerWatch.take();
  } catch (e) {
    walkEnded(at('walk'), e);
  } finally {
    for (const c of contexts) await c.close().catch(() => {});
  }
}
