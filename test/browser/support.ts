/**
 * Debian's Chromium driven by playwright-core (../shared/docs/RUNTIME.md: `npx playwright install` cannot work on our
 * machines). A missing browser fails the run with one line saying how to install it, unless SKIP_BROWSER_TESTS=1.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { PASSWORD } from '../support/users';

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

export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: '退出登录' }).click();
  await page.waitForURL((u) => u.pathname === '/app/');
}

/** A full-page screenshot kept as a test artifact: test-results/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
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
