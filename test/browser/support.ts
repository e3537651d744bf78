/**
 * Debian's Chromium driven by playwright-core (../shared/docs/RUNTIME.md: `npx playwright install` cannot work on our
 * machines). A missing browser fails the run with one line saying how to install it, unless SKIP_BROWSER_TESTS=1.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { PASSWORD } from '../support/users';
import type { RunningSimulator } from '../sources/support';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SKIP = process.env.SKIP_BROWSER_TESTS === '1';
const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'test-results', 'screenshots');

const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** A fresh profile (--user-data-dir) at 1366×768, in Beijing time, headless. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (or set SKIP_BROWSER_TESTS=1)`,
    );
  const profile = mkdtempSync(join(tmpdir(), 'ui-cases-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true, // playwright passes --headless
    args: FLAGS,
    viewport: { width: 1366, height: 768 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  context.setDefaultTimeout(20_000);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Signs in on the sign-in page (the test users' password) and waits for the page it leads to. */
export async function signIn(page: Page, baseUrl: string, username: string, next?: string): Promise<void> {
  await page.goto(`${baseUrl}/app/${next ? `?next=${encodeURIComponent(next)}` : ''}`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL((u) => u.pathname !== '/app/');
  await page.locator('header .who').waitFor();
}

/**
 * Signs a person in on the applicant's page (/app/apply) by SMS code (Art. 35): the ID number and phone, the code the
 * simulated SMS gateway received, and waits for the person's own cases.
 */
export async function signInApplicant(
  page: Page,
  baseUrl: string,
  sim: Pick<RunningSimulator, 'admin'>,
  who: { idNumber: string; phone: string },
): Promise<void> {
  await page.goto(`${baseUrl}/app/apply`);
  const signin = page.locator('#signin');
  await signin.getByLabel('居民身份证号码').fill(who.idNumber);
  await signin.getByLabel('手机号码').fill(who.phone);
  await page.getByRole('button', { name: '获取验证码' }).click();
  await page.locator('#messages', { hasText: '验证码已发送' }).waitFor();
  const { messages } = await sim.admin<{ messages: { mobile: string; text: string }[] }>('GET', '/sms/outbox');
  const text = messages.filter((m) => m.mobile === who.phone && m.text.includes('验证码')).at(-1)?.text ?? '';
  const code = /验证码为(\d{6})/.exec(text)?.[1];
  if (!code) throw new Error(`no sign-in code reached ${who.phone}`);
  await page.getByLabel('短信验证码').fill(code);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.locator('#mine h2').waitFor();
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: '退出登录' }).click();
  await page.waitForURL((u) => u.pathname === '/app/');
}

/** axe-core's browser build (npm `axe-core`), put into each page the tests check. */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
/** WCAG 2.1 A and AA (GB/T 37668 follows WCAG 2.0 AA; 2.1 adds reflow, input purpose, non-text contrast…). */
const WCAG_21_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/**
 * Runs axe-core on the page as it is now and fails on any WCAG 2.1 A or AA violation, naming each rule and element.
 * Playwright evaluates in the page without going through its Content-Security-Policy, which stays as served.
 */
export async function checkAccessibility(page: Page, state: string): Promise<void> {
  const loaded = await page.evaluate(() => typeof (globalThis as { axe?: unknown }).axe === 'object');
  if (!loaded) await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async (tags) => {
    const axe = (globalThis as any).axe;
    const r = await axe.run((globalThis as any).document, {
      runOnly: { type: 'tag', values: tags },
      resultTypes: ['violations'],
    });
    return r.violations as AxeViolation[];
  }, WCAG_21_AA);
  const text = violations
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(' ')} — ${n.failureSummary ?? ''}`).join('\n')}`,
    )
    .join('\n');
  if (violations.length) throw new Error(`WCAG 2.1 AA violations on ${state}:\n${text}`);
}

/**
 * A page state the tests visit: checked by axe-core (no WCAG 2.1 AA violation) and kept as a full-page screenshot,
 * test-results/screenshots/<name>.png.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  await checkAccessibility(page, name);
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** A screenshot of one part of the page (a section): test-results/screenshots/<name>.png. */
export async function screenshotOf(part: Locator, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await part.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

/** What has the focus: tag, id and text, or 'BODY' when it fell to the page itself. */
export function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const e = (globalThis as any).document.activeElement;
    if (!e || e.tagName === 'BODY') return 'BODY';
    return `${e.tagName}${e.id ? `#${e.id}` : ''} ${String(e.textContent ?? '').slice(0, 60)}`;
  });
}

/** Presses Tab (at most `max` times) until `target` has the focus: how a keyboard user gets there. */
export async function tabTo(page: Page, target: Locator, max = 80): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await target.evaluate((e) => e === (globalThis as any).document.activeElement).catch(() => false)) return;
  }
  throw new Error(`Tab did not reach ${target.toString()} in ${max} presses (focus on ${await focused(page)})`);
}

/** Whether the page scrolls sideways (its content wider than the viewport). */
export function scrollsSideways(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const d = (globalThis as any).document.documentElement;
    return d.scrollWidth > d.clientWidth;
  });
}

/** The form controls on the page without a label (issue 10: labels on every field); ids or names, for the message. */
export function unlabelledFields(page: Page): Promise<string[]> {
  // Runs in the page (the project's TypeScript has no DOM types): only the fields used here are described.
  type Control = {
    id: string;
    tagName: string;
    type?: string;
    name?: string;
    labels?: { length: number } | null;
    getAttribute(name: string): string | null;
  };
  return page.evaluate(() => {
    const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): Iterable<Control> } }).document;
    return [...doc.querySelectorAll('input, select, textarea')]
      .filter((e) => e.type !== 'hidden' && !e.labels?.length && !e.getAttribute('aria-label'))
      .map((e) => e.id || e.name || e.tagName);
  });
}
