// Browser walk of the search suggestions (assets/js/suggest.js), called from pages.mjs at each viewport.
//
// With the CSP bypassed (for axe-core): the home search field is an ARIA combobox; typing "giay phep xay" opens a
// listbox whose first option is "Cấp giấy phép xây dựng …" without moving the form, announced by a polite live
// region; the open list passes the axe audit; ArrowDown + Enter opens that procedure's page. Raw Telex ("ddawng kys
// khai") suggests "Đăng ký khai sinh"; Escape closes the list and keeps the text; Enter without a chosen option
// submits the form as before; one character suggests nothing; clicking an option opens it; the catalogue list's
// field has suggestions too (audited open). Then, with the CSP enforced, the script loads, suggests and navigates
// with no violation; and with JavaScript disabled the field stays a plain search box.

import {
  BASE_URL,
  audit, check, clickAndWait, expectHeading, expectStatus, must, oneLine, openContext, pathOf, typeInto, walkEnded, watch,
} from './lib.mjs';

const HOME_LABEL = 'Tìm thủ tục hành chính';
const LIST_LABEL = 'Tìm thủ tục';
const QUERY = 'giay phep xay';
const FIRST_HIT = 'Cấp giấy phép xây dựng';
const TELEX = 'ddawng kys khai';
const TELEX_HIT = 'Đăng ký khai sinh';

const url = (p) => `${BASE_URL}${p}`;
const listbox = (page) => page.getByRole('listbox', { name: 'Gợi ý thủ tục hành chính' });
const options = (page) => listbox(page).getByRole('option');
/** An option's procedure name, i.e. its first line (the second is the sector). */
const optionNames = (page) => options(page).evaluateAll((os) => os.map((o) => o.firstElementChild.textContent.replace(/\s+/g, ' ').trim()));

/** Polls `fn` until it returns '' (success) or `ms` pass; returns its last problem. */
async function until(fn, ms = 5000) {
  const end = Date.now() + ms;
  let problem = '';
  for (;;) {
    problem = await fn().catch((e) => e.message.split('\n')[0]);
    if (!problem || Date.now() > end) return problem;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The page's watcher, minus the suggestion requests the script aborted on purpose when a newer one replaced them. */
const withoutAborted = (watcher) => ({
  take: () => watcher.take().filter((p) => !/^\/api\/v1\/procedures failed: net::ERR_ABORTED$/.test(p)),
});

/** The combobox attributes of the field, or a problem. */
async function expectCombobox(input, expanded) {
  const a = await input.evaluate((el) => ({
    role: el.getAttribute('role'),
    expanded: el.getAttribute('aria-expanded'),
    autocomplete: el.getAttribute('aria-autocomplete'),
    controls: el.getAttribute('aria-controls'),
    listRole: document.getElementById(el.getAttribute('aria-controls') || '')?.getAttribute('role'),
  }));
  if (a.role !== 'combobox') return `role is ${a.role}`;
  if (a.autocomplete !== 'list') return `aria-autocomplete is ${a.autocomplete}`;
  if (a.listRole !== 'listbox') return `aria-controls="${a.controls}" does not name a listbox`;
  return a.expanded === String(expanded) ? '' : `aria-expanded is ${a.expanded}, expected ${expanded}`;
}

/** Waits until some option's name passes `test`; returns a problem or ''. */
const expectOption = (page, test, what) =>
  until(async () => {
    if (!(await listbox(page).isVisible())) return 'the listbox is not shown';
    const names = await optionNames(page);
    return test(names) ? '' : `${what}; options are ${JSON.stringify(names)}`;
  });

/** Lets a page finish its late requests (the favicon) before leaving it, so they are not reported as aborted. */
const settle = (page) => page.waitForLoadState('networkidle').catch(() => {});

const box = async (locator) => {
  const b = await locator.boundingBox();
  return b && [b.x, b.y, b.width, b.height].map(Math.round).join(',');
};

// ---------------------------------------------------------------------------------------------------------------

export async function walkSuggest(browser, vp) {
  await walkWithAxe(browser, vp);
  await walkWithCsp(browser, vp);
  await walkWithoutJs(browser, vp);
}

async function walkWithAxe(browser, vp) {
  const context = await openContext(browser, vp); // CSP bypassed so that axe-core can be injected
  const page = await context.newPage();
  const watcher = withoutAborted(watch(page));
  const at = (s) => `${vp.name} suggest: ${s}`;
  try {
    let response = await page.goto(url('/'), { waitUntil: 'load' });
    await must(at('home answers 200'), async () => expectStatus(response, 200));
    const search = page.getByRole('search');
    const input = search.getByRole('combobox', { name: HOME_LABEL });
    await must(at('the home search field is a collapsed combobox controlling a listbox'), async () =>
      (await input.count()) === 1 ? expectCombobox(input, false) : 'no combobox named like the field');

    const formBefore = await box(search);
    const buttonBefore = await box(search.getByRole('button', { name: 'Tìm kiếm' }));
    await typeInto(search, HOME_LABEL, QUERY);
    await must(at(`typing "${QUERY}" lists "${FIRST_HIT} …" as the first option`), async () =>
      (await expectOption(page, (n) => n.length > 0 && n[0].startsWith(FIRST_HIT), `first option is not "${FIRST_HIT} …"`)) ||
      (await expectCombobox(input, true)));
    await check(at('the options highlight matched words with <mark> and name their sector'), async () => {
      const first = options(page).first();
      if (!(await first.locator('mark').count())) return 'no <mark> in the first option';
      const text = oneLine(await first.textContent());
      return text.includes('Hoạt động xây dựng') ? '' : `first option reads "${text}"`;
    });
    await check(at('the live region announces the number of suggestions'), async () => {
      const n = await options(page).count();
      const live = page.locator('[aria-live="polite"]', { hasText: /gợi ý/ });
      const text = (await live.count()) ? oneLine(await live.first().textContent()) : '';
      return text === `${n} gợi ý` ? '' : `live region says "${text}" for ${n} options`;
    });
    await check(at('the open list does not move the form, and lies under the field within the viewport'), async () => {
      const [form, button] = [await box(search), await box(search.getByRole('button', { name: 'Tìm kiếm' }))];
      if (form !== formBefore || button !== buttonBefore) return `form ${formBefore} → ${form}, button ${buttonBefore} → ${button}`;
      const [f, l] = [await input.boundingBox(), await listbox(page).boundingBox()];
      if (l.y < f.y + f.height) return `the list starts at y=${l.y}, above the field's bottom ${f.y + f.height}`;
      return l.x >= 0 && l.x + l.width <= vp.width ? '' : `the list spans x=${l.x}…${l.x + l.width}`;
    });
    await audit(page, vp, 'suggest-open', watcher);
    await must(at('the list is still open after the audit'), async () => ((await listbox(page).isVisible()) ? '' : 'closed'));

    await input.press('ArrowDown');
    await check(at('ArrowDown makes the first option active'), async () => {
      const [descendant, firstId, selected] = [
        await input.getAttribute('aria-activedescendant'),
        await options(page).first().getAttribute('id'),
        await options(page).first().getAttribute('aria-selected'),
      ];
      return descendant && descendant === firstId && selected === 'true' ? '' : `aria-activedescendant=${descendant}, first option ${firstId} aria-selected=${selected}`;
    });
    const firstName = (await optionNames(page))[0];
    [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), input.press('Enter')]);
    await check(at(`Enter opens the page of "${firstName}"`), async () =>
      expectStatus(response, 200) || (/^\/thu-tuc\/[^/]+$/.test(pathOf(page)) ? '' : `at ${pathOf(page)}`) ||
      (await expectHeading(page, firstName)));

    // Raw Telex, Escape, Enter without an active option.
    await settle(page);
    await page.goto(url('/'), { waitUntil: 'load' });
    await typeInto(search, HOME_LABEL, TELEX);
    await check(at(`typing raw Telex "${TELEX}" suggests "${TELEX_HIT}"`), async () =>
      expectOption(page, (n) => n.includes(TELEX_HIT), `no "${TELEX_HIT}"`));
    await input.press('Escape');
    await check(at('Escape closes the list and keeps the typed text'), async () =>
      ((await listbox(page).isVisible()) ? 'the listbox is still shown' : '') || (await expectCombobox(input, false)) ||
      ((await input.inputValue()) === TELEX ? '' : `the field holds "${await input.inputValue()}"`));
    [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), input.press('Enter')]);
    await check(at('Enter without a chosen option submits the search form'), async () => {
      const u = new URL(page.url());
      return expectStatus(response, 200) || (u.pathname === '/thu-tuc' && u.searchParams.get('q') === TELEX ? '' : `at ${u.pathname}${u.search}`);
    });

    // One character suggests nothing; a click on an option opens it.
    await settle(page);
    await page.goto(url('/'), { waitUntil: 'load' });
    await typeInto(search, HOME_LABEL, 'k');
    await page.waitForTimeout(500);
    await check(at('one character suggests nothing'), async () => ((await listbox(page).isVisible()) ? 'the listbox is shown' : ''));
    await input.pressSequentially('hai sinh', { delay: 5 });
    await check(at(`clicking the "${TELEX_HIT}" option opens its page`), async () => {
      const problem = await expectOption(page, (n) => n.includes(TELEX_HIT), `no "${TELEX_HIT}"`);
      if (problem) return problem;
      const option = options(page).filter({ has: page.getByText(TELEX_HIT, { exact: true }) }).first();
      const r = await clickAndWait(page, option);
      return expectStatus(r, 200) || (await expectHeading(page, TELEX_HIT));
    });

    // The catalogue list's search field.
    await settle(page);
    response = await page.goto(url('/thu-tuc'), { waitUntil: 'load' });
    await must(at('/thu-tuc answers 200'), async () => expectStatus(response, 200));
    const listSearch = page.getByRole('search');
    await typeInto(listSearch, LIST_LABEL, QUERY);
    await check(at(`the catalogue list's field suggests "${FIRST_HIT} …" too`), async () =>
      (await expectOption(page, (n) => n.length > 0 && n[0].startsWith(FIRST_HIT), `first option is not "${FIRST_HIT} …"`)) ||
      (await expectCombobox(listSearch.getByRole('combobox', { name: LIST_LABEL }), true)));
    await audit(page, vp, 'suggest-open-catalogue', watcher);
  } catch (e) {
    walkEnded(at('walk'), e);
  } finally {
    await context.close();
  }
}

/** With the CSP enforced (not bypassed): the script runs, fetches and navigates, and nothing is refused. */
async function walkWithCsp(browser, vp) {
  const context = await openContext(browser, vp, { bypassCSP: false });
  // Registered before any page script; an init script is not subject to the page's CSP.
  await context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const page = await context.newPage();
  const watcher = withoutAborted(watch(page));
  const at = (s) => `${vp.name} suggest with the CSP: ${s}`;
  const violations = async () => {
    const found = [...(await page.evaluate(() => window.__cspViolations || [])), ...watcher.take()];
    return found.join('; ');
  };
  try {
    const response = await page.goto(url('/'), { waitUntil: 'load' });
    await must(at('home answers 200 with the CSP header'), async () =>
      expectStatus(response, 200) || ((response.headers()['content-security-policy'] || '').includes("default-src 'self'") ? '' : 'no CSP header'));
    const search = page.getByRole('search');
    await typeInto(search, HOME_LABEL, QUERY);
    await must(at(`typing "${QUERY}" shows the suggestions`), async () =>
      expectOption(page, (n) => n.length > 0 && n[0].startsWith(FIRST_HIT), `first option is not "${FIRST_HIT} …"`));
    await check(at('no CSP violation, failed asset or console error on the home page'), violations);
    const input = search.getByRole('combobox', { name: HOME_LABEL });
    await input.press('ArrowDown');
    const [r] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), input.press('Enter')]);
    await check(at('ArrowDown + Enter opens the procedure page with no CSP violation'), async () =>
      expectStatus(r, 200) || (/^\/thu-tuc\/[^/]+$/.test(pathOf(page)) ? '' : `at ${pathOf(page)}`) || (await violations()));
  } catch (e) {
    walkEnded(at('walk'), e);
  } finally {
    await context.close();
  }
}

/** Without JavaScript the field is the plain search box of the form: no combobox role, no listbox. */
async function walkWithoutJs(browser, vp) {
  const context = await openContext(browser, vp, { javaScriptEnabled: false });
  const page = await context.newPage();
  const at = (s) => `${vp.name} suggest without JavaScript: ${s}`;
  try {
    await page.goto(url('/'), { waitUntil: 'load' });
    await check(at('the home field is a plain search box and no listbox is added'), async () => {
      const boxes = await page.getByRole('search').getByRole('searchbox', { name: HOME_LABEL }).count();
      const lists = await page.locator('[role="listbox"]').count();
      return boxes === 1 && lists === 0 ? '' : `${boxes} search boxes, ${lists} listboxes`;
    });
  } catch (e) {
    walkEnded(at('walk'), e);
  } finally {
    await context.close();
  }
}
