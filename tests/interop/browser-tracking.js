'use strict';
// The tracking page in headless Chromium against a real caps-hub: a vendor and a driver
// (socket.io-client, as the lab's) move an order while the page follows its customer; the hub is
// killed and restarted meanwhile and the page catches up; the form at / leads to an order;
// with --tokens the page asks for a token and says when it is refused.
//
//   node browser-tracking.js        (CAPS_BINARY_DIR: the build folder; ctest sets it)

const { io } = require('socket.io-client');
const { startHub, killHub, makeTokens, launchBrowser, watchedPage, run, step } = require('./browser');

const customer = 'Ada Lovelace';
const store = '1-206-flowers';
const order = { store, orderID: 'B-1001', customer, address: '12 Analytical Row, London' };

function connect(url, options = {}) {
  return new Promise((resolve, reject) => {
    const socket = io(`${url}/caps`, { reconnection: false, ...options });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

function emitAcked(socket, event, payload) {
  return socket.timeout(10000).emitWithAck(event, payload).then((answer) => {
    if (answer && answer.ok === false) throw new Error(`${event} refused: ${answer.error}`);
    return answer;
  });
}

const statusIs = (id, event) => `#orders li[data-order="${id}"][data-status="${event}"]`;

async function tracking(browser) {
  const problems = [];
  let hub = await startHub(['--quiet']);
  const port = hub.port;
  const page = await watchedPage(browser, problems, {
    // The socket's failed attempts while the hub is down are expected, and logged by Chromium.
    ignore: [/ERR_CONNECTION_REFUSED|ERR_INTERNET_DISCONNECTED|WebSocket connection to/],
  });
  step(`tracking page of "${customer}" on ${hub.url}`);
  await page.goto(`${hub.url}/track?customer=${encodeURIComponent(customer)}`);
  await page.waitForSelector('#connection[data-state="connected"][data-caught-up]');

  const vendor = await connect(hub.url);
  vendor.emit('join', store);
  const driver = await connect(hub.url, { transports: ['websocket'] });
  await emitAcked(vendor, 'pickup', order);
  step('pickup shown');
  await page.waitForSelector(statusIs(order.orderID, 'pickup'));
  await emitAcked(driver, 'in-transit', order);
  step('in-transit shown');
  await page.waitForSelector(statusIs(order.orderID, 'in-transit'));
  vendor.close();
  driver.close();

  // The page must not get back before the delivery, or it would hear it live rather than catch
  // up: the browser goes offline while the hub dies and comes back.
  await page.setOfflineMode(true);
  await killHub(hub);
  step('hub killed: the page says so');
  await page.waitForSelector('#connection[data-state="disconnected"]');
  hub = await startHub(['--quiet'], port);
  const driver2 = await connect(hub.url);
  // The restarted hub (no queue: --db :memory:) meets the order anew, as the lab's would.
  await emitAcked(driver2, 'in-transit', order);
  await emitAcked(driver2, 'delivered', order);
  driver2.close();
  const away = await page.$eval('#connection', (el) => el.dataset.state);
  if (away === 'connected') throw new Error('the page reconnected while offline: the test proves nothing');
  step('hub restarted and the order delivered while the page was away; back online');
  await page.setOfflineMode(false);
  await page.waitForSelector(statusIs(order.orderID, 'delivered'));
  await page.waitForSelector('#connection[data-state="connected"]');
  const steps = await page.$$eval(`#orders li[data-order="${order.orderID}"] .steps li`, (lis) =>
    lis.map((li) => ({ event: li.dataset.event, done: li.classList.contains('done'), time: !!li.querySelector('time') })));
  const delivered = steps.find((s) => s.event === 'delivered');
  if (!delivered || !delivered.time || !steps.every((s) => s.done))
    throw new Error(`steps after catching up: ${JSON.stringify(steps)}`);

  step('an order cancelled before pickup shows as cancelled');
  const vendor2 = await connect(hub.url);
  vendor2.emit('join', store);
  const withdrawn = { ...order, orderID: `${order.orderID}-2` };
  await emitAcked(vendor2, 'pickup', withdrawn);
  await page.waitForSelector(statusIs(withdrawn.orderID, 'pickup'));
  await emitAcked(vendor2, 'cancel', withdrawn);
  await page.waitForSelector(statusIs(withdrawn.orderID, 'cancel'));
  const note = await page.$eval(`#orders li[data-order="${withdrawn.orderID}"] .other`, (el) => el.textContent);
  if (!/cancel/i.test(note)) throw new Error(`a cancelled order reads: ${note}`);
  vendor2.close();

  step('the form at / leads to the order, by keyboard');
  await page.goto(`${hub.url}/`);
  await page.focus('#order');
  await page.keyboard.type(order.orderID);
  await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  await page.waitForSelector(statusIs(order.orderID, 'delivered'));
  const title = await page.$eval('#title', (el) => el.textContent);
  if (title !== `Order ${order.orderID}`) throw new Error(`title: ${title}`);

  await page.close();
  await killHub(hub);
  if (problems.length) throw new Error(problems.join('\n'));
}

async function tokens(browser) {
  const problems = [];
  const { file, tokens: [customerToken] } = makeTokens([['--role', 'customer', '--customer', customer]]);
  const hub = await startHub(['--quiet', '--tokens', file]);
  const page = await watchedPage(browser, problems);
  step('with --tokens: the page asks for a token');
  await page.goto(`${hub.url}/track?customer=${encodeURIComponent(customer)}`);
  await page.waitForSelector('#token-form:not([hidden])');
  await page.type('#token', 'caps_not-a-real-token');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('#problem').textContent.includes('refused'));
  step('a wrong token is refused in words; the right one, from the fragment, is taken');
  await page.close();
  const linked = await watchedPage(browser, problems);
  await linked.goto(`${hub.url}/track?customer=${encodeURIComponent(customer)}#token=${customerToken}`);
  await linked.waitForSelector('#connection[data-state="connected"][data-caught-up]');
  const address = await linked.evaluate(() => location.href);
  if (address.includes('token=')) throw new Error(`the token stayed in the address bar: ${address}`);
  await linked.close();
  await killHub(hub);
  if (problems.length) throw new Error(problems.join('\n'));
}

run(async () => {
  const browser = await launchBrowser();
  try {
    await tracking(browser);
    await tokens(browser);
  } finally {
    await browser.close();
  }
});
