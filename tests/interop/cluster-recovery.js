'use strict';
// Connection state recovery across a cluster, as an unmodified socket.io-client 4 sees it: a
// vendor that asks for recovery (`auth: { recovery: true }`) reaches the service through the
// load balancer, joins its store's room and sends a pickup; a driver on another hub takes it.
// The vendor's hub is killed (the test kills it when this prints "READY"): while the vendor is
// away the driver delivers, and the vendor's own reconnection, through the load balancer again,
// lands on a hub that is alive. It must come back recovered, with the same id, get the
// `delivered` it missed once, and still be in its store's room without joining again: the next
// order's in-transit reaches it.
//
//   node cluster-recovery.js --url http://127.0.0.1:LB/caps --driver-url http://127.0.0.1:HUB/caps
// Prints "READY" once the vendor heard the first in-transit, then exits 0 with "OK ..." when
// every check holds.

const { option, ScriptRun } = require('./script');
const { io } = require('socket.io-client');

const url = option('url', 'http://127.0.0.1:3000/caps');
const driverUrl = option('driver-url', url);
const store = `cluster-rec-${process.pid}`;
const run = new ScriptRun();
const order = (n) => ({ store, orderID: `${store}-${n}`, customer: 'Jamal Braun', address: 'Schmittfort, LA' });
const fail = (message) => run.fail(message);
let step = 'connect';
const heard = [];
setTimeout(() => fail(`timed out at step "${step}"; the vendor heard ${JSON.stringify(heard)}`), 40000);

// The vendor reconnects by itself, as a user's would; its first try comes well after the
// driver's delivery (which takes milliseconds), so the delivery is one it missed. HAProxy needs
// about two seconds to see the hub gone; tries before then are refused and retried.
const vendor = io(url, {
  auth: { recovery: true }, forceNew: true, reconnectionDelay: 3000, reconnectionDelayMax: 3000,
  randomizationFactor: 0,
});
run.sockets.push(vendor);
const driver = run.connect(driverUrl, 'driver');
const ask = (socket, event, payload) => new Promise((resolve) => socket.emit(event, payload, resolve));
const waitFor = (predicate) => new Promise((resolve) => {
  const check = () => (predicate() ? resolve() : setTimeout(check, 20));
  check();
});

for (const event of ['in-transit', 'delivered']) {
  vendor.on(event, (payload) => heard.push(`${event} ${payload && payload.orderID}`));
}
driver.on('pickup', (payload) => {
  if (payload && payload.store === store) driver.emit('in-transit', payload);
});

async function main() {
  await new Promise((resolve) => vendor.once('connect', resolve));
  const firstId = vendor.id;
  if (vendor.recovered !== false) return fail(`a first connection reports recovered=${vendor.recovered}`);
  vendor.emit('join', store);
  step = 'first order';
  const accepted = await ask(vendor, 'pickup', order(1));
  if (!accepted || accepted.ok !== true) return fail(`pickup 1 refused: ${JSON.stringify(accepted)}`);
  await waitFor(() => heard.includes(`in-transit ${store}-1`));

  step = 'hub killed';
  const dropped = new Promise((resolve) => vendor.once('disconnect', resolve));
  console.log('READY');
  const reason = await dropped;
  step = `delivering while the vendor is away (${reason})`;
  const delivered = await ask(driver, 'delivered', order(1));
  if (!delivered || delivered.ok !== true) return fail(`delivered refused: ${JSON.stringify(delivered)}`);
  if (vendor.connected) return fail('the vendor came back before the delivery: nothing to recover');

  step = 'reconnecting through the balancer';
  await new Promise((resolve) => vendor.once('connect', resolve));
  if (vendor.recovered !== true) return fail(`the vendor came back with recovered=${vendor.recovered}`);
  if (vendor.id !== firstId) return fail(`the vendor came back as ${vendor.id}, not ${firstId}`);
  step = 'the missed delivery';
  await waitFor(() => heard.includes(`delivered ${store}-1`));

  step = 'second order, without joining again';
  const second = await ask(vendor, 'pickup', order(2));
  if (!second || second.ok !== true) return fail(`pickup 2 refused: ${JSON.stringify(second)}`);
  await waitFor(() => heard.includes(`in-transit ${store}-2`));
  // Anything heard twice would show by now.
  await new Promise((resolve) => setTimeout(resolve, 300));
  const expected = [`in-transit ${store}-1`, `delivered ${store}-1`, `in-transit ${store}-2`];
  if (JSON.stringify(heard) !== JSON.stringify(expected)) {
    return fail(`the vendor heard ${JSON.stringify(heard)}, not ${JSON.stringify(expected)}`);
  }
  run.finish(0, `OK recovered as ${vendor.id} after "${reason}"; heard ${heard.join(', ')}`);
}

main().catch((err) => fail(`at step "${step}": ${err && err.stack ? err.stack : err}`));
