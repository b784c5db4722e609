'use strict';
// The README's pictures of the tracking page (light and dark, phone-sized) and of the Admin UI:
//   node tests/interop/browser-screenshots.js [folder]     (default docs/screenshots)
// Not a test: it starts its own hub, moves two orders along, and photographs the page.

const path = require('path');
const { execFileSync } = require('child_process');
const { io } = require('socket.io-client');
const { startHub, killHub, launchBrowser, watchedPage, run } = require('./browser');

const folder = path.resolve(process.argv[2] || path.join(__dirname, '../../docs/screenshots'));
const customer = 'Ada Lovelace';

function connect(url) {
  return new Promise((resolve) => {
    const s = io(`${url}/caps`, { reconnection: false });
    s.once('connect', () => resolve(s));
  });
}

run(async () => {
  const hub = await startHub(['--quiet']);
  const vendor = await connect(hub.url);
  const driver = await connect(hub.url);
  const orders = [
    { store: '1-206-flowers', orderID: 'F-2041', customer, address: '12 Analytical Row, London' },
    { store: '1-206-flowers', orderID: 'F-2042', customer, address: '12 Analytical Row, London' },
  ];
  for (const o of orders) await vendor.emitWithAck('pickup', o);
  await driver.emitWithAck('in-transit', orders[0]);
  await driver.emitWithAck('delivered', orders[0]);
  await driver.emitWithAck('in-transit', orders[1]);
  const browser = await launchBrowser();
  for (const dark of [false, true]) {
    const page = await watchedPage(browser, [], { dark, viewport: { width: 400, height: 760, deviceScaleFactor: 1 } });
    await page.goto(`${hub.url}/track?customer=${encodeURIComponent(customer)}`);
    await page.waitForSelector('#orders li[data-order="F-2041"][data-status="delivered"]');
    await page.screenshot({ path: path.join(folder, `tracking-${dark ? 'dark' : 'light'}.png`) });
    await page.close();
  }
  await browser.close();
  vendor.close();
  driver.close();
  await killHub(hub);
  execFileSync(process.execPath, [path.join(__dirname, 'browser-admin.js')],
               { stdio: 'inherit', env: { ...process.env, CAPS_SCREENSHOTS: folder } });
});
