// Drives the search page of `clip4j serve` in Debian's chromium through playwright-core (which never downloads a
// browser). Usage: NODE_PATH=.tools/browser-tests/node_modules node search-page.cjs BASE_URL IMAGE [SCREENSHOT]
// Exits 0 when every check passed; otherwise prints what failed and exits 1.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');

const [baseUrl, imageFile, screenshot] = process.argv.slice(2);
const TIMEOUT = 30000;

function check(condition, message) {
  if (!condition) throw new Error('check failed: ' + message);
}

async function main() {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'clip4j-chromium-'));
  // launchPersistentContext passes --user-data-dir (a fresh folder) and --headless itself
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    viewport: { width: 1200, height: 900 },
  });
  try {
    const page = context.pages()[0] || await context.newPage();
    page.setDefaultTimeout(TIMEOUT);
    const searches = [];
    page.on('request', (r) => { if (r.url().includes('/api/search')) searches.push(r.method() + ' ' + r.url()); });
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));

    await page.goto(baseUrl);
    await page.waitForFunction(() => document.getElementById('index-size').textContent.includes('images'));

    const forLabel = () => page.textContent('#for-label');
    // the label names a query as soon as it is sent; its tiles are there once #results is no longer busy
    const settled = () => page.waitForSelector('#results:not([aria-busy])', { state: 'attached' });
    const params = () => new URL(page.url()).searchParams;

    // 1. a text query with Enter: results, the box says what they are for, the URL holds the query
    await page.fill('#q', 'a photo of a cat');
    await page.press('#q', 'Enter');
    await page.waitForSelector('#results .tile .score');
    const scores = await page.$$eval('#results .tile .score', (els) => els.map((e) => e.textContent));
    check(scores.length >= 1, 'at least one result tile');
    check(scores.every((s) => /^-?\d\.\d{3}$/.test(s)), 'scores shown with 3 decimals: ' + scores.join(','));
    const sorted = [...scores].map(Number).sort((a, b) => b - a);
    check(scores.map(Number).every((s, i) => s === sorted[i]), 'tiles in descending score order');
    const ranks = await page.$$eval('#results .tile .rank', (els) => els.map((e) => e.textContent));
    check(ranks.every((r, i) => r === String(i + 1)), 'ranks 1..n: ' + ranks.join(','));
    const names = await page.$$eval('#results .tile .name', (els) => els.map((e) => e.textContent));
    check(names.every((n) => n.includes('/')), 'captions show the parent folder: ' + names.join(','));
    const firstText = searches.find((s) => s.startsWith('GET ') && s.includes('q=a+photo+of+a+cat'));
    check(firstText && firstText.includes('textness=0'), 'text search request sent: ' + searches.join(' | '));
    check(params().get('q') === 'a photo of a cat', 'the URL holds the query: ' + page.url());
    check(!(await page.isVisible('#more')), '"More results" only when a full page came back');
    check((await forLabel()) === 'Results for "a photo of a cat"', 'the box says what the results are for: ' + await forLabel());
    const thumbOk = await page.$eval('#results .tile img', (img) => img.decode().then(() => img.naturalWidth > 0, () => false));
    check(thumbOk, 'the first thumbnail loads');

    // 2. the textness slider re-runs the query and updates the URL in place
    const before = searches.length;
    const sliderRequest = page.waitForRequest((r) => r.url().includes('textness=0.5'));
    await page.focus('#textness');
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
    await sliderRequest;
    check(searches.length > before, 'slider sent a new request');
    check((await page.textContent('#textness-value')) === '0.5', 'slider value shown');
    await page.waitForFunction(() => document.getElementById('status').textContent.includes('results'));
    await page.waitForFunction(() => new URL(location.href).searchParams.get('textness') === '0.5');

    // 3. a click opens the lightbox (the large image and its path); "Search similar" searches by it
    const firstId = await page.$eval('#results .tile', (t) => t.dataset.id);
    const firstPath = await page.$eval('#results .tile', (t) => t.title);
    await page.click('#results .tile');
    await page.waitForSelector('#lightbox[open]');
    check((await page.textContent('#lightbox-path')) === firstPath, 'the lightbox shows the full path');
    const largeOk = await page.$eval('#lightbox-img', (img) => img.decode().then(() => img.naturalWidth > 0, () => false));
    check(largeOk && (await page.getAttribute('#lightbox-img', 'src')).includes('size=large'), 'the large image loads');
    const likeResponse = page.waitForResponse((r) => r.url().includes('like=' + encodeURIComponent(firstId)));
    await page.click('#lightbox-similar');
    check((await likeResponse).ok(), 'like search answered 200');
    await page.waitForFunction(() => document.getElementById('for-label').textContent.startsWith('Images like'));
    await settled();
    check(!(await page.$('#lightbox[open]')), 'the lightbox closed');
    check(await page.$eval('#results .tile', (t) => t.dataset.id) === firstId, 'an image is most like itself');
    check(params().get('like') === firstId, 'the URL holds the image: ' + page.url());
    check((await page.inputValue('#q')) === '', 'an image search empties the text box: ' + await page.inputValue('#q'));

    // 4. Back and Forward move between the two searches
    await page.goBack();
    await page.waitForFunction(() => document.getElementById('for-label').textContent.startsWith('Results for'));
    check((await page.inputValue('#q')) === 'a photo of a cat', 'Back restores the query box');
    await page.goForward();
    await page.waitForFunction(() => document.getElementById('for-label').textContent.startsWith('Images like'));
    await settled();

    // 5. a shared link reproduces the results; an error replaces them instead of leaving stale tiles
    const shared = await page.$$eval('#results .tile', (els) => els.map((t) => t.dataset.id));
    await page.goto(baseUrl + '?like=' + encodeURIComponent(firstId));
    await page.waitForSelector('#results .tile');
    await settled();
    const again = await page.$$eval('#results .tile', (els) => els.map((t) => t.dataset.id));
    check(JSON.stringify(again) === JSON.stringify(shared), 'the link gives the same results');
    await page.goto(baseUrl + '?like=no-such-image');
    await page.waitForFunction(() => document.getElementById('status').classList.contains('error'));
    check((await page.$$('#results .tile')).length === 0, 'an error clears the results');
    check((await page.textContent('#status')).includes('unknown image id'), 'the error is shown: ' + await page.textContent('#status'));

    // 6. the drop zone opens the file picker from the keyboard; the chosen image is uploaded and previewed
    // beside "Images like NAME"
    const chooser = page.waitForEvent('filechooser');
    await page.press('#drop', 'Enter');
    const picker = await chooser;
    const upload = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/api/search'));
    await picker.setFiles(imageFile);
    check((await upload).ok(), 'upload search answered 200');
    await page.waitForFunction(() => document.getElementById('for-label').textContent.startsWith('Images like '));
    check((await page.$$('#results .tile')).length >= 1, 'upload results shown');
    check(await page.$eval('#for-thumb', (img) => !img.hidden && img.src.startsWith('blob:')), 'the uploaded image is previewed');

    // 7. dropping an image on the drop zone (a synthetic drop event carrying a real file)
    const dropped = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/api/search'));
    const bytes = fs.readFileSync(imageFile).toString('base64');
    const dataTransfer = await page.evaluateHandle((b64) => {
      const dt = new DataTransfer();
      const raw = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      dt.items.add(new File([raw], 'dropped.jpg', { type: 'image/jpeg' }));
      return dt;
    }, bytes);
    await page.dispatchEvent('#drop', 'drop', { dataTransfer });
    check((await dropped).ok(), 'drop search answered 200');
    await page.waitForFunction(() => document.getElementById('for-label').textContent === 'Images like dropped.jpg');

    check(pageErrors.length === 0, 'no script errors: ' + pageErrors.join(' | '));
    if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
    console.log('browser test: ok (' + searches.length + ' searches: ' + searches.map((s) => s.replace(baseUrl, '/')).join(' | ') + ')');
  } finally {
    await context.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error('browser test: FAILED: ' + (e && e.stack ? e.stack : e));
  process.exit(1);
});
