'use strict';
// Socket.IO connection state recovery seen by an unmodified socket.io-client that asks for it
// with `auth: { recovery: true }` (caps-hub gives offsets only to clients that ask; Node's
// socket.io ignores the key): a vendor whose connection drops comes back within the server's
// recovery window with the same id, still in its store's room, `socket.recovered === true`,
// and gets the events it missed, in order and once. A client that left on purpose, or brings a
// private id the server never gave, starts afresh. A client that does not ask gets no private
// id and, from caps-hub, every event with exactly the arguments emitted (--plain exact); Node's
// socket.io gives the offset to every client (--plain offset). Checked against caps-hub and
// against Node's socket.io (bench/node-hub/hub.js --recovery-window), so the script expects
// what socket.io itself does.
//
//   node recovery.js --url http://127.0.0.1:PORT [--namespace /caps] [--transport default|websocket|polling]
//                    [--plain exact|offset]
// Exits 0 and prints "OK ..." when every check holds.

const { option, transportOptions, ScriptRun } = require('./script');

const url = option('url', 'http://127.0.0.1:3000') + option('namespace', '/caps');
const clientOptions = { ...transportOptions(option('transport', 'default')), auth: { recovery: true } };
const plainGetsOffsets = option('plain', 'exact') === 'offset';
const store = '1-206-flowers';
const run = new ScriptRun();
const order = (n) => ({ store, orderID: `rec-${process.pid}-${n}`, customer: 'Jamal Braun', address: 'Schmittfort, LA' });
const connect = (name, extra = {}) => run.connect(url, name, { ...clientOptions, ...extra });
const fail = (message) => run.fail(message);
function check(condition, message) { if (!condition) fail(message); return condition; }
setTimeout(() => fail(`timed out at step "${step}"; vendor saw ${JSON.stringify(vendorSaw)}`), 20000);

// Resolves with the first `event` on `socket` whose payload has `orderID`.
function next(socket, event, orderID) {
  return new Promise((resolve) => {
    const handler = (payload, ...rest) => {
      if (payload && payload.orderID === orderID) {
        socket.off(event, handler);
        resolve(rest);
      }
    };
    socket.on(event, handler);
  });
}
const once = (socket, event) => new Promise((resolve) => socket.once(event, resolve));

let step = 'connect';
const vendorSaw = [];

async function main() {
  const vendor = connect('vendor');
  const driver = connect('driver');
  // The same vendor program without { recovery: true }.
  const plain = connect('plain', { auth: {} });
  for (const event of ['pickup', 'in-transit', 'delivered']) {
    vendor.on(event, (payload) => vendorSaw.push(`${event} ${payload && payload.orderID}`));
  }
  await Promise.all([once(vendor, 'connect'), once(driver, 'connect'), once(plain, 'connect')]);
  if (!check(vendor.recovered === false, `a first connection reports recovered=${vendor.recovered}`)) return;
  // socket.io-client sets `recovered` from the private id in the CONNECT answer: undefined
  // when there was none.
  if (!check((plain.recovered === undefined) !== plainGetsOffsets,
    `a client that did not ask for recovery reports recovered=${plain.recovered}`)) return;

  step = 'join';
  // The hub handles one client's events in order: when a client's own pickup comes back to
  // it, it is in its room.
  let arrived = Promise.all([next(vendor, 'pickup', order(0).orderID), next(plain, 'pickup', order('plain').orderID)]);
  vendor.emit('join', store);
  vendor.emit('pickup', order(0));
  plain.emit('join', store);
  plain.emit('pickup', order('plain'));
  await arrived;
  // A delivery for its store reaches it, and gives it an offset to come back with. The same
  // broadcast reaches the client that did not ask.
  arrived = Promise.all([next(vendor, 'delivered', order(0).orderID), next(plain, 'delivered', order(0).orderID)]);
  driver.emit('in-transit', order(0));   // the hub keeps an order's steps in order
  driver.emit('delivered', order(0));
  const [extra, plainExtra] = await arrived;
  if (!check(extra.length === 1 && typeof extra[0] === 'string',
    `a server with recovery appends the offset after the payload; got ${JSON.stringify(extra)}`)) return;
  if (!check(plainGetsOffsets ? plainExtra.length === 1 : plainExtra.length === 0,
    `a client that did not ask for recovery got ${JSON.stringify(plainExtra)} after the payload`)) return;
  plain.disconnect();

  step = 'drop';
  const firstId = vendor.id;
  const reason = once(vendor, 'disconnect');
  vendor.io.engine.close();   // the connection drops: not a disconnect the vendor asked for
  const why = await reason;
  if (!check(why !== 'io client disconnect' && why !== 'io server disconnect', `the vendor disconnected with "${why}"`)) return;

  step = 'missed';
  // Sent while the vendor is away. The driver's own pickup comes back to it last, so when it
  // arrives the hub has handled all three.
  const handled = next(driver, 'pickup', order(2).orderID);
  driver.emit('in-transit', order(1));
  driver.emit('delivered', order(1));
  driver.emit('pickup', order(2));
  await handled;
  vendorSaw.length = 0;

  step = 'come back';
  const missed = Promise.all([next(vendor, 'in-transit', order(1).orderID), next(vendor, 'delivered', order(1).orderID),
    next(vendor, 'pickup', order(2).orderID)]);
  vendor.connect();
  await once(vendor, 'connect');
  if (!check(vendor.recovered === true, 'the vendor came back within the window but socket.recovered is false')) return;
  if (!check(vendor.id === firstId, `the vendor's id changed from ${firstId} to ${vendor.id}`)) return;
  await missed;

  step = 'room kept';
  // No `join` this time: the recovered session is still in its store's room.
  arrived = next(vendor, 'delivered', order(3).orderID);
  driver.emit('delivered', order(3));
  await arrived;
  const expected = [`in-transit ${order(1).orderID}`, `delivered ${order(1).orderID}`, `pickup ${order(2).orderID}`,
    `delivered ${order(3).orderID}`];
  if (!check(JSON.stringify(vendorSaw) === JSON.stringify(expected),
    `the vendor saw ${JSON.stringify(vendorSaw)}, expected ${JSON.stringify(expected)}`)) return;

  step = 'left on purpose';
  // A disconnect the client asked for is not recovered.
  const leaver = connect('leaver');
  await once(leaver, 'connect');
  const leaverId = leaver.id;
  leaver.disconnect();
  leaver.connect();
  await once(leaver, 'connect');
  if (!check(leaver.recovered === false && leaver.id !== leaverId,
    `a client that disconnected on purpose came back recovered=${leaver.recovered}, same id=${leaver.id === leaverId}`)) return;

  step = 'forged pid';
  // A private id the server never handed out gets a fresh session that works.
  const forger = connect('forger', { auth: { pid: 'not-a-session', offset: '0' } });
  await once(forger, 'connect');
  if (!check(forger.recovered === false && typeof forger.id === 'string' && forger.id !== firstId,
    'a forged pid must get a fresh session')) return;
  arrived = next(forger, 'pickup', order(4).orderID);
  driver.emit('pickup', order(4));
  await arrived;

  run.finish(0, `OK recovered ${firstId} with ${expected.length - 1} missed events`);
}

main().catch((err) => fail(err.stack || String(err)));
