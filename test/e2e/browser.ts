import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { type Browser, chromium, type Page } from 'playwright-core';

const ROOT = resolve(import.meta.dirname, '../..');
export const SCREENSHOT_DIR = join(ROOT, 'test-artifacts/screenshots');

const BUILD_INPUTS = [
  'admin/src',
  'admin/index.html',
  'admin/vite.config.ts',
  'shared/src',
  'package-lock.json',
];
const BUILD_STAMP = join(ROOT, 'admin/dist/.inputs-hash');
const BUILD_LOCK = join(ROOT, 'admin/.build-lock');

async function filesUnder(path: string): Promise<string[]> {
  const entries = await readdir(path, { withFileTypes: true }).catch(() => undefined);
  if (!entries) return [path];
  const nested = await Promise.all(entries.map((entry) => filesUnder(join(path, entry.name))));
  return nested.flat();
}

/** What the build reads, hashed: the same inputs build the same console. */
async function inputsHash(): Promise<string> {
  const hash = createHash('sha1');
  for (const input of BUILD_INPUTS) {
    for (const file of (await filesUnder(join(ROOT, input))).sort()) {
      hash.update(file).update(await readFile(file));
    }
  }
  return hash.digest('hex');
}

/** Runs `work` while holding a lock directory (mkdir is atomic), across test files. */
async function withBuildLock<T>(work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      await mkdir(BUILD_LOCK);
      break;
    } catch {
      // A lock older than any build is left by a test run that died: take it over.
      const since = await stat(BUILD_LOCK).then(
        (info) => Date.now() - info.mtimeMs,
        () => 0,
      );
      if (since > 180_000) await rm(BUILD_LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`${BUILD_LOCK} held for 3 minutes`);
      await new Promise((done) => setTimeout(done, 200));
    }
  }
  try {
    return await work();
  } finally {
    await rm(BUILD_LOCK, { recursive: true, force: true });
  }
}

/**
 * Builds the console into admin/dist, where the server serves it at /admin. A child process,
 * so the build runs as production (vitest sets NODE_ENV=test, which would bundle React's
 * development build). Browser test files run in parallel: the build is serialised, and skipped
 * when admin/dist was built from the same inputs (rebuilding would empty it under a test that
 * is using it).
 */
export async function buildConsole(): Promise<void> {
  await withBuildLock(async () => {
    const hash = await inputsHash();
    if ((await readFile(BUILD_STAMP, 'utf8').catch(() => '')) === hash) return;
    const vite = join(ROOT, 'node_modules/vite/bin/vite.js');
    await promisify(execFile)(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
      cwd: join(ROOT, 'admin'),
      env: { ...process.env, NODE_ENV: 'production' },
    });
    await writeFile(BUILD_STAMP, hash);
  });
}

/** Debian's Chromium; `npm run setup` (and .ci/run) installs it when missing. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/**
 * Why the browser suite cannot run here, or undefined when it can. Outside CI a machine without
 * Chromium skips the suite and says so; in CI (`CI=true`, as `.ci/run` and the landing script
 * run it) the suite always runs, and fails when Chromium is missing.
 */
export function browserSuiteSkipReason(
  env: Record<string, string | undefined> = process.env,
  chromiumPath = CHROMIUM_PATH,
): string | undefined {
  if (env.CI === 'true' || env.CI === '1') return undefined;
  if (existsSync(chromiumPath)) return undefined;
  return `Chromium is not installed at ${chromiumPath}; run \`npm run setup\` to install it (and CJK fonts), then npm test again`;
}

/** Debian's Chromium, headless. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

export const LAPTOP = { width: 1366, height: 860 };
export const PHONE = { width: 390, height: 844 };

/** Saves a full-page screenshot as test-artifacts/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await mkdir(dirname(path), { recursive: true });
  // Let fonts and the lazily loaded SQL editor settle so the picture shows the page as read.
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path, fullPage: true, animations: 'disabled' });
}

/** Collects uncaught page errors and console errors, which a test asserts stay empty. */
export function watchForErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    // The browser logs every 4xx response (a wrong token is one on purpose); those are not bugs.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      errors.push(`console: ${message.text()}`);
    }
  });
  return errors;
}
