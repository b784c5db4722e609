'use strict';
// What the browser tests share: a caps-hub of their own on 127.0.0.1, headless Chromium (Debian's
// /usr/bin/chromium, or CAPS_CHROMIUM) through puppeteer-core, and a watch on each page's console
// so that a script error or a Content-Security-Policy violation fails the test.

const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
let puppeteer;
try {
  puppeteer = require('puppeteer-core');
} catch (e) {
  console.error('FAIL: tests/interop/node_modules lacks puppeteer-core: run `npm ci` there (scripts/setup.sh test does)');
  process.exit(1);
}

const binaryDir = process.env.CAPS_BINARY_DIR || path.resolve(__dirname, '../../build');
const hubPath = path.join(binaryDir, 'apps/hub/caps-hub');
const tokenPath = path.join(binaryDir, 'apps/caps-token/caps-token');

// Hubs started here and not killed yet, and the token folders made: a test that fails (or
// passes) must leave neither a hub running nor tokens behind.
const liveHubs = new Set();
const tokenDirs = [];
process.on('exit', () => {
  for (const child of liveHubs) child.kill('SIGKILL');
  for (const dir of tokenDirs) fs.rmSync(dir, { recursive: true, force: true });
});

function fail(message) {
  console.error(`FAIL: ${message}`);
  process.exit(1);
}

function step(message) {
  console.log(`- ${message}`);
}

// Starts caps-hub with `args`; resolves with { process, port, url } once it says where it listens.
function startHub(args, port = 0) {
  return new Promise((resolve, reject) => {
    const child = spawn(hubPath, ['--host', '127.0.0.1', '--port', String(port), '--db', ':memory:', ...args],
                        { stdio: ['ignore', 'pipe', 'pipe'] });
    liveHubs.add(child);
    child.on('exit', () => liveHubs.delete(child));
    let out = '';
    const onData = (chunk) => {
      out += chunk;
      const m = out.match(/caps-hub listening on http:\/\/127\.0\.0\.1:(\d+)\//);
      if (m) {
        child.stdout.off('data', onData);
        child.stdout.resume();
        resolve({ process: child, port: Number(m[1]), url: `http://127.0.0.1:${m[1]}` });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d) => process.stderr.write(`hub: ${d}`));
    child.on('exit', (code, signal) => reject(new Error(`caps-hub exited (${code ?? signal}): ${out}`)));
  });
}

// Kills the hub at once (SIGKILL: a crash, not a goodbye) and resolves once it is gone.
function killHub(hub) {
  return new Promise((resolve) => {
    hub.process.removeAllListeners('exit');
    hub.process.on('exit', () => {
      liveHubs.delete(hub.process);
      resolve();
    });
    hub.process.kill('SIGKILL');
  });
}

// A token file in a fresh folder with the given entries; returns { file, tokens: [token...] }.
function makeTokens(entries) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caps-browser-'));
  tokenDirs.push(dir);
  const file = path.join(dir, 'tokens.json');
  const tokens = entries.map((args) =>
    execFileSync(tokenPath, [...args, '--append', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n')[0].trim());
  return { file, tokens };
}

async function launchBrowser() {
  const executablePath = process.env.CAPS_CHROMIUM || '/usr/bin/chromium';
  if (!fs.existsSync(executablePath)) fail(`${executablePath} is missing (Debian: apt-get install chromium)`);
  // Chromium's sandbox refuses to run as root, which CI containers are.
  const args = process.getuid && process.getuid() === 0 ? ['--no-sandbox'] : [];
  // Containers often have a small /dev/shm, where Chromium would otherwise keep its shared memory.
  return puppeteer.launch({ executablePath, headless: true, args: [...args, '--disable-dev-shm-usage', '--lang=en-GB'] });
}

// A new page whose console errors, page errors and refused requests are collected in `problems`.
async function watchedPage(browser, problems, options = {}) {
  const page = await browser.newPage();
  await page.setViewport(options.viewport || { width: 420, height: 860 });
  if (options.dark !== undefined)
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: options.dark ? 'dark' : 'light' }]);
  const ignore = options.ignore || [];
  page.on('console', (m) => {
    if (m.type() === 'error' && !ignore.some((re) => re.test(m.text()))) problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  return page;
}

// Runs `main`, fails the process on any error, with a hard limit so that it never hangs ctest.
function run(main, limitMs = 120000) {
  const timer = setTimeout(() => fail(`no result after ${limitMs} ms`), limitMs);
  main().then(() => {
    clearTimeout(timer);
    console.log('PASS');
    process.exit(0);
  }, (e) => fail(e && e.stack ? e.stack : String(e)));
}

module.exports = { hubPath, startHub, killHub, makeTokens, launchBrowser, watchedPage, run, fail, step };
