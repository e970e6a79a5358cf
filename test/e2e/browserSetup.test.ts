import { describe, expect, it } from 'vitest';
import { browserSuiteSkipReason, CHROMIUM_PATH } from './browser.js';

describe('the browser suite on a machine without Chromium', () => {
  const absent = '/nonexistent/chromium';

  it('is skipped outside CI, saying why and how to fix it', () => {
    expect(browserSuiteSkipReason({}, absent)).toBe(
      'Chromium is not installed at /nonexistent/chromium; run `npm run setup` to install it (and CJK fonts), then npm test again',
    );
  });

  it('always runs in CI (and then fails if Chromium is missing)', () => {
    expect(browserSuiteSkipReason({ CI: 'true' }, absent)).toBeUndefined();
    expect(browserSuiteSkipReason({ CI: '1' }, absent)).toBeUndefined();
  });

  it('runs wherever Chromium is installed', () => {
    expect(browserSuiteSkipReason({}, process.execPath)).toBeUndefined();
    expect(CHROMIUM_PATH).toBe('/usr/bin/chromium');
  });
});
