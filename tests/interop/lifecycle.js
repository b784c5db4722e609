'use strict';
// The hub keeps an order's life, as unmodified socket.io-client peers see it: two drivers and a
// vendor against caps-hub.
//  - with acknowledgements (as the Qt agents): the first in-transit wins, the second driver is
//    refused (retry: false) and hears `taken`, which a driver that did not ask for it (as the
//    lab's) does not; delivered before in-transit, or from the other
//    driver, is refused; a repeat (once delivered, from either driver) is answered { ok, repeat }
//    and not relayed;
//  - lab-style (no acknowledgements, as the lab's driver.js): two drivers that both take every
//    pickup; each order still reaches its vendor once in transit and once delivered.
// Exits 0 with "OK ..." when every check held.
//
//   node lifecycle.js --url http://127.0.0.1:PORT [--namespace /caps] [--orders 10] [--client 4|2]
//                     [--url2 http://127.0.0.1:PORT2]
// --url2 puts the second driver on another hub of a cluster (the vendor and the first driver stay
// on --url): the same checks then hold across hubs.

const { option, ScriptRun, once, clientVersion, noticesOptions } = require('./script');

const url = option('url', 'http://127.0.0.1:3000') + option('namespace', '/caps');
const url2 = option('url2', option('url', 'http://127.0.0.1:3000')) + option('namespace', '/caps');
const orders = Number(option('orders', 10));
const store = 'lifecycle-store';
const run = new ScriptRun();
setTimeout(() => run.fail('timed out'), 30000);

const ask = (socket, event, payload) => new Promise((resolve) => socket.emit(event, payload, resolve));
const order = (id) => ({ store, orderID: id, customer: 'Ada Lovelace', address: '1 Analytical Row' });
const connect = async (name, at = url, options = noticesOptions()) => {
  const socket = run.connect(at, name, options);
  await once(socket, 'connect');
  // The hub tells a sender without an acknowledgement of a refusal with an `error` event, which
  // socket.io-client 2 reports as its own 'error': expected here, for the lab-style drivers.
  if (clientVersion === '2') socket.off('error');
  return socket;
};
function expect(condition, message) {
  if (!condition) throw new Error(message);
}

async function withAcknowledgements(vendor, first, second, notAsking) {
  const heard = [];
  vendor.on('in-transit', (p) => heard.push(`in-transit ${p.orderID}`));
  vendor.on('delivered', (p) => heard.push(`delivered ${p.orderID}`));
  const takenBySecond = [];
  const takenByFirst = [];
  second.on('taken', (p) => takenBySecond.push(p));
  first.on('taken', (p) => takenByFirst.push(p));
  const takenByNotAsking = [];
  notAsking.on('taken', (p) => takenByNotAsking.push(p));

  const id = `acked-${process.pid}`;
  const pickedUp = once(second, 'pickup');
  expect((await ask(vendor, 'pickup', order(id))).ok, 'the pickup was refused');
  await pickedUp;
  const early = await ask(second, 'delivered', order(id));
  expect(!early.ok && early.retry === false && /waiting for pickup/.test(early.error),
    `delivered before in-transit: ${JSON.stringify(early)}`);
  const taken = once(second, 'taken');
  expect((await ask(first, 'in-transit', order(id))).ok, 'the first in-transit was refused');
  const [notice] = await taken;
  expect(notice.orderID === id && notice.store === store && notice.customer === undefined,
    `taken carries only store and orderID: ${JSON.stringify(notice)}`);
  const late = await ask(second, 'in-transit', order(id));
  expect(!late.ok && late.retry === false && /another driver/.test(late.error), `a second in-transit: ${JSON.stringify(late)}`);
  const stolen = await ask(second, 'delivered', order(id));
  expect(!stolen.ok && /another driver/.test(stolen.error), `delivered by the other driver: ${JSON.stringify(stolen)}`);
  expect((await ask(first, 'delivered', order(id))).ok, 'the taker could not deliver');
  const again = await ask(first, 'delivered', order(id));
  expect(again.ok && again.repeat === true, `a repeat: ${JSON.stringify(again)}`);
  // Once it is delivered, the same step from another connection (in open mode, the taker's new
  // connection after a lost answer looks like that) is a repeat too: nothing changes or goes out.
  const afterwards = await ask(second, 'delivered', order(id));
  expect(afterwards.ok && afterwards.repeat === true, `delivered again through another connection: ${JSON.stringify(afterwards)}`);
  // A round trip on the vendor's connection: anything relayed before has arrived.
  await ask(vendor, 'untrack', { orderID: 'sentinel' });
  expect(JSON.stringify(heard) === JSON.stringify([`in-transit ${id}`, `delivered ${id}`]),
    `the vendor heard ${JSON.stringify(heard)}`);
  expect(takenByFirst.length === 0, 'the taker was told its own order was taken');
  await ask(notAsking, 'untrack', { orderID: 'sentinel' });
  expect(takenByNotAsking.length === 0, 'a driver that asked for no notices was told the order was taken');
}

async function labStyle(vendor, drivers) {
  // As the lab's driver.js: on every pickup, in-transit and then delivered, no acknowledgements.
  for (const driver of drivers) {
    driver.on('pickup', (p) => {
      if (!p.orderID.startsWith('lab-')) return;
      driver.emit('in-transit', p);
      setTimeout(() => driver.emit('delivered', p), 5);
    });
  }
  const steps = new Map();
  let thanked = 0;
  const done = new Promise((resolve) => {
    for (const event of ['in-transit', 'delivered']) {
      vendor.on(event, (p) => {
        if (!p.orderID.startsWith('lab-')) return;
        const key = `${event} ${p.orderID}`;
        steps.set(key, (steps.get(key) || 0) + 1);
        if (event === 'delivered' && ++thanked === orders) resolve();
      });
    }
  });
  for (let i = 0; i < orders; i++) vendor.emit('pickup', order(`lab-${process.pid}-${i}`));
  await done;
  await new Promise((r) => setTimeout(r, 200));   // let a duplicate, which would be a bug, arrive
  await ask(vendor, 'untrack', { orderID: 'sentinel' });
  const twice = [...steps].filter(([, n]) => n !== 1);
  expect(twice.length === 0, `the vendor heard these more than once: ${JSON.stringify(twice)}`);
  expect(steps.size === 2 * orders, `the vendor heard ${steps.size} steps for ${orders} orders`);
}

(async () => {
  try {
    const vendor = await connect('vendor');
    vendor.emit('join', store);
    const first = await connect('first driver');
    const second = await connect('second driver', url2);
    const notAsking = await connect('driver asking for no notices', url2, {});
    await withAcknowledgements(vendor, first, second, notAsking);
    await labStyle(vendor, [first, second]);
    run.finish(0, `OK lifecycle held for two drivers, with acknowledgements and lab-style (${orders} orders)`);
  } catch (e) {
    run.fail(e.message);
  }
})();
