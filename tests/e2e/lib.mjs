// Shared helpers of the browser walks (pages.mjs, catalogue.mjs): configuration from the environment, reporting,
// page helpers and the per-page audit (axe-core, 360 px horizontal scroll, failed assets and console errors).

import { createRequire } from 'node:module';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const require = createRequire(import.meta.url);
export const { chromium } = require('playwright-core');
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const env = (name) => {
  const value = process.env[name];
  if (!value) {
    console.error(`pages.mjs: environment variable ${name} is required`);
    process.exit(2);
  }
  return value;
};
export const BASE_URL = env('BASE_URL').replace(/\/+$/, '');
export const ADMIN_USER = env('ADMIN_USER');
export const OFFICER_USER = env('OFFICER_USER');
export const PASSWORD = env('PASSWORD');
export const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR || '';
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const RUN_ID = Date.now();
// Axe rule ids to report as notes instead of failures while a known fix is pending (comma-separated, default none).
const AXE_ALLOW = new Set((process.env.AXE_ALLOW || '').split(',').map((s) => s.trim()).filter(Boolean));

if (SCREENSHOT_DIR) mkdirSync(SCREENSHOT_DIR, { recursive: true });

// ---------------------------------------------------------------------------------------------------------------
// Reporting

let passed = 0;
let failed = 0;
export const oneLine = (s) => String(s).replace(/\s+/g, ' ').trim();

/** The counts so far. */
export const summary = () => ({ passed, failed });

export function pass(name) {
  passed += 1;
  console.log(`ok   ${name}`);
}
export function fail(name, detail) {
  failed += 1;
  console.log(`FAIL ${name}: ${oneLine(detail).slice(0, 1500)}`);
}
/** Runs one check; a thrown error or a returned string is a failure. Returns whether it passed. */
export async function check(name, fn) {
  try {
    const problem = await fn();
    if (typeof problem === 'string' && problem) {
      fail(name, problem);
      return false;
    }
    pass(name);
    return true;
  } catch (e) {
    fail(name, e && e.message ? e.message.split('\n')[0] : e);
    return false;
  }
}
/** Like check, but a failure stops the walk it belongs to (later steps depend on it). */
export class Abort extends Error {}
export async function must(name, fn) {
  if (!(await check(name, fn))) throw new Abort(name);
}

/** Reports what ended a walk early: an Abort was already reported by `must`; anything else is a failure. */
export function walkEnded(label, e) {
  if (!(e instanceof Abort)) fail(label, e && e.message ? e.message.split('\n')[0] : e);
  else console.log(`  note ${label}: the rest of this walk was skipped`);
}

// ---------------------------------------------------------------------------------------------------------------
// Page helpers

export const pathOf = (page) => new URL(page.url()).pathname;

/**
 * A browser context at the viewport `vp`. By default the CSP is bypassed, because axe-core is injected as an
 * inline script and the CSP (default-src 'self') would block it; the no-JS walks pass `{ javaScriptEnabled: false }`
 * and keep the CSP.
 */
export async function openContext(browser, vp, options = {}) {
  const context = await browser.newContext({
    viewport: { width: vp.width, height: vp.height },
    ignoreHTTPSErrors: true,
    locale: 'vi-VN',
    ...(options.javaScriptEnabled === false ? { javaScriptEnabled: false } : { bypassCSP: true }),
    ...options,
  });
  context.setDefaultTimeout(15000);
  return context;
}

/** Watches a page for failed subresources, page errors and CSP violations reported on the console. */
export function watch(page) {
  const problems = [];
  page.on('response', (r) => {
    const req = r.request();
    if (r.status() >= 400 && req.resourceType() !== 'document') {
      problems.push(`${req.resourceType()} ${new URL(r.url()).pathname} answered ${r.status()}`);
    }
  });
  page.on('requestfailed', (req) => {
    // A load cancelled because the page navigated away (net::ERR_ABORTED) is not a broken asset.
    const error = req.failure()?.errorText;
    if (req.resourceType() !== 'document' && error !== 'net::ERR_ABORTED') problems.push(`${new URL(req.url()).pathname} failed: ${error}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    // Chromium logs every 4xx/5xx as "Failed to load resource", the page's own 403/404 included; failed
    // subresources are already caught by the response listener above.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`console error: ${m.text()}`);
  });
  return {
    take() {
      return problems.splice(0, problems.length);
    },
  };
}

/** Navigates by clicking (or submitting) and returns the final document response. */
export async function clickAndWait(page, locator) {
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), locator.click()]);
  return response;
}

export const expectStatus = (response, status) =>
  !response ? 'no document response' : response.status() !== status ? `HTTP ${response.status()}, expected ${status}` : '';

export async function expectHeading(page, text) {
  const h1 = oneLine(await page.locator('h1').first().textContent({ timeout: 5000 }));
  return h1 === text ? '' : `h1 is "${h1}", expected "${text}"`;
}

/** Types into the field whose label is `label`, character by character, as a person would. */
export async function typeInto(page, label, text) {
  const input = page.getByLabel(label, { exact: false }).first();
  await input.click();
  await input.fill('');
  await input.pressSequentially(text, { delay: 5 });
  const value = await input.inputValue();
  if (value !== text) throw new Error(`field "${label}" holds "${value}" after typing`);
}

let shot = 0;
/** The per-page checks: axe audit, 360 px horizontal scroll, assets/console, screenshot. */
export async function audit(page, vp, label, watcher) {
  const where = `${vp.name} ${label}`;
  if (SCREENSHOT_DIR) {
    shot += 1;
    const file = path.join(SCREENSHOT_DIR, `${vp.name}-${String(shot).padStart(2, '0')}-${label.replace(/[^a-z0-9]+/gi, '-')}.png`);
    await page.screenshot({ path: file, fullPage: true }).catch((e) => console.error(`screenshot ${file}: ${e.message}`));
  }
  await check(`${where}: axe finds no serious or critical violations`, async () => {
    const already = await page.evaluate(() => typeof window.axe !== 'undefined');
    if (!already) await page.addScriptTag({ content: axeSource });
    const result = await page.evaluate(async () => {
      // eslint-disable-next-line no-undef
      const r = await axe.run(document, { resultTypes: ['violations'] });
      return r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => n.target.join(' ')),
        summary: v.nodes[0] ? v.nodes[0].failureSummary : '',
      }));
    });
    const bad = result.filter((v) => (v.impact === 'serious' || v.impact === 'critical') && !AXE_ALLOW.has(v.id));
    for (const v of result.filter((x) => !bad.includes(x))) {
      const allowed = AXE_ALLOW.has(v.id) ? ' [allowed by AXE_ALLOW]' : '';
      console.log(`  note ${where}: axe ${v.impact} ${v.id} (${v.help}) at ${v.nodes.slice(0, 3).join(', ')}${allowed}`);
    }
    return bad
      .map((v) => `[${v.impact}] ${v.id}: ${v.help} at ${v.nodes.slice(0, 4).join(', ')}${v.nodes.length > 4 ? ` (+${v.nodes.length - 4})` : ''} — ${v.summary}`)
      .join(' | ');
  });
  if (vp.width <= 360) {
    await check(`${where}: no horizontal scroll at ${vp.width}px`, async () => {
      const m = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
      if (m.scroll <= m.inner + 1) return '';
      const wide = await page.evaluate(() => {
        const out = [];
        for (const el of document.querySelectorAll('body *')) {
          const r = el.getBoundingClientRect();
          if (r.right > window.innerWidth + 1 && out.length < 4) {
            out.push(`${el.tagName.toLowerCase()}${el.className ? '.' + String(el.className).split(' ').join('.') : ''} right=${Math.round(r.right)}`);
          }
        }
        return out.join(', ');
      });
      return `scrollWidth ${m.scroll} > innerWidth ${m.inner}; widest: ${wide}`;
    });
  }
  await check(`${where}: stylesheet, images and scripts load without errors`, async () => {
    const problems = watcher.take();
    const css = await page.evaluate(() => [...document.styleSheets].some((s) => (s.href || '').endsWith('/assets/css/site.css')));
    if (!css) problems.push('site.css is not applied');
    return problems.join('; ');
  });
}

/**
 * Clicks `link`, captures the download it starts and checks it: the suggested file name ends in `extension`, the
 * file is not empty and, for Office Open XML and OpenDocument files, is a zip. Returns a problem or ''.
 */
export async function expectDownload(page, link, extension) {
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const name = download.suggestedFilename();
  if (!name.endsWith(extension)) return `suggested file name "${name}" does not end in ${extension}`;
  const failure = await download.failure();
  if (failure) return `download of ${name} failed: ${failure}`;
  const bytes = readFileSync(await download.path());
  if (!bytes.length) return `${name} is empty`;
  const zipped = /\.(docx|xlsx|pptx|odt|ods)$/.test(name);
  return zipped && bytes.subarray(0, 2).toString('latin1') !== 'PK' ? `${name} (${bytes.length} bytes) is not a zip` : '';
}

/** Fills the sign-in form by typing and submits it. */
export async function signIn(page, username, password) {
  await typeInto(page, 'Tên đăng nhập', username);
  await typeInto(page, 'Mật khẩu', password);
  return clickAndWait(page, page.getByRole('button', { name: 'Đăng nhập', exact: true }));
}
