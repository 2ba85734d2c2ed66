// The reports walk: the portal's public statistics (/thong-ke), reached anonymously from the main navigation, and
// the leader's dashboard (/staff/tong-quan) as the demo leader. On both, every chart must be an image labelled by
// its own title and description and be followed by a table with a caption; the folded data tables are opened
// before the audit so axe and the 360 px check see them too. Used by pages.mjs at each viewport.

import {
  BASE_URL, PASSWORD, audit, check, clickAndWait, expectHeading, must, openContext, pathOf, signIn, walkEnded, watch,
} from './lib.mjs';

/** Every chart on the page is role=img, labelled by a <title> and <desc> inside it, with a captioned table after. */
async function chartsAreAccessible(page) {
  const problems = await page.evaluate(() => {
    const out = [];
    for (const svg of document.querySelectorAll('svg.chart')) {
      const ids = (svg.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean);
      if (svg.getAttribute('role') !== 'img') out.push('a chart without role=img');
      if (ids.length !== 2 || ids.some((id) => !svg.querySelector(`#${CSS.escape(id)}`))) {
        out.push(`chart ${ids.join(' ')} is not labelled by its own title and description`);
      }
      const table = svg.parentElement.querySelector('table');
      if (!table || !table.querySelector('caption') || !table.querySelector('th[scope="row"]')) {
        out.push(`chart ${ids[0]} has no captioned table of its figures`);
      }
    }
    return out;
  });
  return problems.join('; ');
}

/** Opens every folded data table, so the audit covers the tables too. */
async function openTables(page) {
  for (const summary of await page.locator('details.chart-data > summary').all()) await summary.click();
}

export async function walkReports(browser, vp) {
  const at = (s) => `${vp.name} reports: ${s}`;
  const contexts = [];
  try {
    const context = await openContext(browser, vp);
    contexts.push(context);
    const page = await context.newPage();
    const watcher = watch(page);
    await page.goto(`${BASE_URL}/`);
    const link = page.getByRole('navigation', { name: 'Điều hướng chính' }).getByRole('link', { name: 'Thống kê', exact: true });
    await must(at('the portal navigation links the statistics'), async () => ((await link.count()) === 1 ? '' : 'no "Thống kê" link'));
    await clickAndWait(page, link);
    await must(at('the statistics page opens without signing in'), async () =>
      pathOf(page) === '/thong-ke' ? expectHeading(page, 'Thống kê dịch vụ công trực tuyến') : `at ${pathOf(page)}`);
    await check(at('every online service of the demo catalogue has a row'), async () => {
      const rows = await page.locator('table.statistics tbody tr').count();
      return rows > 0 ? '' : 'no service rows';
    });
    await check(at('the published evaluation results are linked'), async () =>
      ((await page.locator('a[href="/danh-gia-chat-luong"]').count()) ? '' : 'no link to /danh-gia-chat-luong'));
    await check(at('statistics charts are labelled images with their tables'), () => chartsAreAccessible(page));
    await audit(page, vp, 'public statistics', watcher);

    const staff = await openContext(browser, vp);
    contexts.push(staff);
    const leader = await staff.newPage();
    const leaderWatch = watch(leader);
    await leader.goto(`${BASE_URL}/staff/login`);
    await signIn(leader, 'lanhdao', PASSWORD);
    await must(at('the leader signs in'), async () => (pathOf(leader) === '/staff' ? '' : `at ${pathOf(leader)}`));
    await leader.goto(`${BASE_URL}/staff/tong-quan`);
    await must(at('the dashboard opens'), () => expectHeading(leader, 'Tổng quan điều hành'));
    await check(at('the dashboard draws its charts'), async () => {
      const charts = await leader.locator('svg.chart').count();
      return charts >= 2 ? '' : `only ${charts} charts`;
    });
    await check(at('dashboard charts are labelled images with their tables'), () => chartsAreAccessible(leader));
    await openTables(leader);
    await audit(leader, vp, 'leader dashboard', leaderWatch);

    // The processing report from the navigation, a figure's drill-down list, and the quarterly evaluation.
    await clickAndWait(leader, leader.getByRole('navigation').getByRole('link', { name: 'Báo cáo', exact: true }));
    await must(at('the processing report opens from the navigation'), async () =>
      (pathOf(leader) === '/staff/bao-cao' ? '' : `at ${pathOf(leader)}`));
    await leader.locator('#f-from').fill(`${new Date().getFullYear() - 1}-01-01`);
    await clickAndWait(leader, leader.getByRole('button', { name: /Xem báo cáo|Lập báo cáo/ }).first());
    await audit(leader, vp, 'processing report', leaderWatch);
    const figure = leader.locator('main table a[href^="/staff/bao-cao/ho-so"]').first();
    await must(at('the report links each figure to its dossiers'), async () => ((await figure.count()) ? '' : 'no figure links'));
    const shown = Number((await figure.textContent()).replace(/\D/g, ''));
    await clickAndWait(leader, figure);
    await check(at('the drill-down lists as many dossiers as the figure says, up to a page'), async () => {
      const rows = await leader.locator('main table tbody tr').count();
      return rows === Math.min(shown, 50) ? '' : `${rows} rows for a figure of ${shown}`;
    });
    await audit(leader, vp, 'report drill-down', leaderWatch);
    await leader.goto(`${BASE_URL}/staff/danh-gia`);
    await must(at('the evaluation page opens'), async () => (pathOf(leader) === '/staff/danh-gia' ? '' : `at ${pathOf(leader)}`));
    await audit(leader, vp, 'evaluation', leaderWatch);
    await page.goto(`${BASE_URL}/danh-gia-chat-luong`);
    await audit(page, vp, 'published evaluation', watcher);
  } catch (e) {
    walkEnded(at('walk'), e);
  } finally {
    for (const c of contexts) await c.close().catch(() => {});
  }
}
