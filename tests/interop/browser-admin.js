'use strict';
// The Socket.IO Admin UI (@socket.io/admin-ui's ui/dist, served by caps-hub at /admin/) in
// headless Chromium: log in with an admin token, see the hub's sockets and the rooms they are in.
//
//   node browser-admin.js        (CAPS_BINARY_DIR: the build folder; ctest sets it)

const { io } = require('socket.io-client');
const { startHub, killHub, makeTokens, launchBrowser, watchedPage, run, step } = require('./browser');

function connect(url, auth) {
  return new Promise((resolve, reject) => {
    const socket = io(`${url}/caps`, { reconnection: false, auth });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

// Types into the field the label `text` names (the UI's fields are Vuetify's, labelled so).
async function fill(page, text, value) {
  const selector = `label ::-p-text(${text})`;
  await page.waitForSelector(selector, { visible: true });
  const id = await page.$eval(selector, (label) => label.closest('label').htmlFor);
  await page.click(`#${id}`, { clickCount: 3 });
  await page.keyboard.press('Backspace');
  await page.type(`#${id}`, value);
}

// Picks `name` in the page's "Select namespace" menu (a Vuetify v-select).
async function selectNamespace(page, name) {
  await page.locator('main .v-select__slot').click();
  await page.locator(`.menuable__content__active .v-list-item ::-p-text(${name})`).click();
}

run(async () => {
  const { file, tokens: [admin, vendor] } = makeTokens([
    ['--role', 'admin', '--name', 'ops'],
    ['--role', 'vendor', '--store', '1-206-flowers', '--name', 'Flowers'],
  ]);
  const hub = await startHub(['--quiet', '--tokens', file]);
  const shop = await connect(hub.url, { token: vendor });
  shop.emit('join', '1-206-flowers');
  const browser = await launchBrowser();
  const problems = [];
  try {
    const page = await watchedPage(browser, problems, {
      viewport: { width: 1280, height: 800 },
    });
    step(`Admin UI at ${hub.url}/admin/`);
    await page.goto(`${hub.url}/admin/`);
    await fill(page, 'Server URL', hub.url);
    await fill(page, 'Username', 'ops');
    await fill(page, 'Password', admin);
    await page.locator('button ::-p-text(Connect)').click();
    await page.waitForFunction(() => !document.body.innerText.includes('Invalid credentials')
                               && [...document.querySelectorAll('.v-dialog--active')].length === 0);
    step('logged in: the sockets page lists the vendor');
    await page.goto(`${hub.url}/admin/#/sockets`);
    await selectNamespace(page, '/caps');
    await page.waitForFunction((id) => document.querySelector('main').innerText.includes(id), {}, shop.id);
    const icons = await page.evaluate(() => document.fonts.check('24px "Material Design Icons"'));
    if (!icons) throw new Error('the icon font did not load');
    step('the rooms page lists its store room');
    await page.goto(`${hub.url}/admin/#/rooms`);
    await page.waitForFunction(() => document.querySelector('main').innerText.includes('1-206-flowers'));
    if (process.env.CAPS_SCREENSHOTS) {
      await page.goto(`${hub.url}/admin/#/`);
      await page.waitForFunction(() => document.querySelector('main').innerText.includes('/caps'));
      await page.screenshot({ path: `${process.env.CAPS_SCREENSHOTS}/admin-ui.png` });
    }
  } catch (e) {
    if (process.env.CAPS_SCREENSHOTS) {
      const pages = await browser.pages();
      await pages[pages.length - 1].screenshot({ path: `${process.env.CAPS_SCREENSHOTS}/admin-failed.png` });
    }
    throw e;
  } finally {
    await browser.close();
    shop.close();
    await killHub(hub);
  }
  if (problems.length) throw new Error(problems.join('\n'));
});
