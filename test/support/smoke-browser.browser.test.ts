import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserAvailable, launchChromium } from './browser.ts';

test('Debian Chromium starts headless and renders a page', browserAvailable(), async () => {
  const { browser, close } = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.setContent('<h1>interflow</h1>');
    assert.equal(await page.textContent('h1'), 'interflow');
  } finally {
    await close();
  }
});
