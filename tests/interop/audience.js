'use strict';
// Who hears what, seen by unmodified socket.io-client peers: the receivers set up (vendors join
// their store's room, trackers track), a vendor sends `pickup` and a driver `in-transit` and
// `delivered` of one order, and each receiver reports which of the three it got on --path:
//   live          connected throughout;
//   recovery      its connection drops before the order, and it comes back (socket.recovered);
//   getAll        it leaves before the order and comes back asking for the backlog;
//   track answer  it comes back afterwards and tracks the order ID (the ack's orders).
// The table of who should hear what is tests/security/audiencetable.h; tst_hubinterop passes the
// peers and compares.
//
//   node audience.js --url http://127.0.0.1:PORT --path live|recovery|getAll|"track answer"
//        --peers '[{"name","role","store","customer","tracks","token"}, ...]'
//        --senders '{"vendor": TOKEN, "driver": TOKEN}' --order '{store, orderID, customer, address}'
// Prints "HEARD {name: [events]}" and then "OK ...".

const { option, transportOptions, ScriptRun } = require('./script');

const url = option('url', 'http://127.0.0.1:3000') + option('namespace', '/caps');
const clientOptions = transportOptions(option('transport', 'default'));
const path = option('path', 'live');
const peers = JSON.parse(option('peers', '[]'));
const senders = JSON.parse(option('senders', '{}'));
const order = JSON.parse(option('order', '{}'));
const events = ['pickup', 'in-transit', 'delivered', 'taken'];
// How far the order goes (--last-step): the backlog follows the lifecycle.
const lastStep = option('last-step', 'delivered');
const run = new ScriptRun();
let step = 'connect';
setTimeout(() => run.fail(`timed out at step "${step}"`), 30000);

const once = (socket, event) => new Promise((resolve) => socket.once(event, resolve));
// An emit with an acknowledgement: resolves with the hub's answer (a refusal is one too).
const ask = (socket, event, argument) => new Promise((resolve) => socket.emit(event, argument, resolve));
// Once this is answered, everything the hub sent the socket before has arrived.
const roundTrip = (socket) => ask(socket, 'untrack', { orderID: 'sentinel' });

async function connect(name, token) {
  // Every peer asks for recovery (auth.recovery) and for the hub's notices, as the Qt driver
  // does, so that its rows test who may hear what.
  const socket = run.connect(url, name,
    { ...clientOptions, auth: { recovery: true, notices: ['taken'], ...(token ? { token } : {}) } });
  await once(socket, 'connect');
  return socket;
}

// Records, on `socket`, which events of the order reach `peer`.
function listen(peer, socket) {
  for (const event of events) {
    socket.on(event, (payload) => {
      if (payload && payload.orderID === order.orderID && !peer.heard.includes(event)) peer.heard.push(event);
    });
  }
}

async function setUp(peer) {
  const socket = peer.socket;
  if (peer.role === 'vendor') {
    socket.emit('join', peer.store);
    if (path === 'getAll') await ask(socket, 'getAll', { clientId: peer.store, event: 'pickup' });
  }
  if (peer.tracks) {
    const byName = await ask(socket, 'track', { customer: peer.customer });
    const byId = await ask(socket, 'track', { orderID: order.orderID });
    if (!byName.ok || !byId.ok) throw new Error(`${peer.name} could not track: ${JSON.stringify([byName, byId])}`);
  }
  await roundTrip(socket);
}

async function sendOrder() {
  const vendor = await connect('sending vendor', senders.vendor);
  const driver = await connect('sending driver', senders.driver);
  for (const [socket, event] of [[vendor, 'pickup'], [driver, 'in-transit'], [driver, 'delivered']]) {
    const answer = await ask(socket, event, order);
    if (!answer || !answer.ok) throw new Error(`${event} refused: ${JSON.stringify(answer)}`);
    if (event === lastStep) break;
  }
}

async function comeBack(peer) {
  if (path === 'live') {
    await roundTrip(peer.socket);
  } else if (path === 'recovery') {
    peer.socket.connect();
    await once(peer.socket, 'connect');
    if (!peer.socket.recovered) throw new Error(`${peer.name} came back within the window but socket.recovered is false`);
    await roundTrip(peer.socket);
  } else if (path === 'getAll') {
    const socket = await connect(peer.name, peer.token);
    listen(peer, socket);
    let queues = ['driver', order.store];   // customers (and admins) ask for both
    if (peer.role === 'vendor') queues = [peer.store];
    else if (peer.role === 'driver') queues = ['driver'];
    for (const clientId of queues) await ask(socket, 'getAll', { clientId });
  } else {
    const socket = await connect(peer.name, peer.token);
    const answer = await ask(socket, 'track', { orderID: order.orderID });
    for (const known of (answer && answer.orders) || []) {
      if (known.payload && known.payload.orderID === order.orderID) peer.heard.push(known.event);
    }
  }
}

async function main() {
  for (const peer of peers) {
    peer.heard = [];
    peer.socket = await connect(peer.name, peer.token);
    if (path === 'live' || path === 'recovery') listen(peer, peer.socket);
  }
  step = 'set up';
  for (const peer of peers) await setUp(peer);
  step = 'leave';
  for (const peer of peers) {
    const gone = once(peer.socket, 'disconnect');
    if (path === 'recovery') peer.socket.io.engine.close(); // dropped, not a disconnect it asked for
    else if (path !== 'live') peer.socket.disconnect();
    if (path !== 'live') await gone;
  }
  step = 'order';
  await sendOrder();
  step = 'come back';
  for (const peer of peers) await comeBack(peer);
  const heard = {};
  for (const peer of peers) heard[peer.name] = peer.heard;
  console.log(`HEARD ${JSON.stringify(heard)}`);
  run.finish(0, `OK ${path}`);
}

main().catch((err) => run.fail(err.stack || String(err)));
