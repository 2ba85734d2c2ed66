// The staff dossier search walk: the officer opens "Tìm hồ sơ" from the navigation, types words from the text of a
// scan digitised at the counter without their accents, and gets the dossier with the fragment marked and the file
// named; a status filter narrows the list. Used by pages.mjs at each viewport.

import {
  BASE_URL, PASSWORD, audit, check, clickAndWait, expectHeading, must, oneLine, openContext, pathOf, signIn, walkEnded, watch,
} from './lib.mjs';

export async function walkDossierSearch(browser, vp) {
  const at = (s) => `${vp.name} dossier search: ${s}`;
  const context = await openContext(browser, vp);
  try {
    const page = await context.newPage();
    const watcher = watch(page);
    await page.goto(`${BASE_URL}/staff/login`);
    await signIn(page, 'motcua.canbo1', PASSWORD);
    await clickAndWait(page, page.getByRole('navigation').getByRole('link', { name: 'Tìm hồ sơ', exact: true }));
    await must(at('the search page opens from the navigation'), async () =>
      (pathOf(page) === '/staff/tim-kiem' ? expectHeading(page, 'Tìm kiếm hồ sơ') : `at ${pathOf(page)}`));
    await audit(page, vp, 'dossier search form', watcher);
    // The demo's counter scans read "Ban quet tai Bo phan mot cua"; typed here in lower case, as people do.
    await page.getByLabel('Từ khoá').fill('ban quet tai bo phan mot cua');
    await clickAndWait(page, page.getByRole('button', { name: 'Tìm', exact: true }));
    await must(at('words from a digitised scan find dossiers'), async () => {
      const hits = await page.locator('ol.results li.result').count();
      return hits > 0 ? '' : oneLine(await page.locator('main').textContent()).slice(0, 200);
    });
    await check(at('each hit marks the words and names the file they came from'), async () => {
      const first = page.locator('ol.results li.result').first();
      const marks = await first.locator('mark').count();
      const text = oneLine(await first.textContent());
      return marks > 0 && text.includes('Trong tệp «ban-quet.pdf»') ? '' : `"${text.slice(0, 160)}", ${marks} marks`;
    });
    await audit(page, vp, 'dossier search results', watcher);
    await page.getByLabel('Trạng thái').selectOption({ label: 'Đã trả kết quả' });
    await clickAndWait(page, page.getByRole('button', { name: 'Tìm', exact: true }));
    await check(at('the status filter keeps only returned dossiers'), async () => {
      const badges = await page.locator('ol.results li.result p.meta').allTextContents();
      const other = badges.filter((b) => !b.includes('Đã trả kết quả'));
      return badges.length > 0 && other.length === 0 ? '' : `${badges.length} hits, ${other.length} with another status`;
    });
  } catch (e) {
    walkEnded(at('walk'), e);
  } finally {
    await context.close().catch(() => {});
  }
}
