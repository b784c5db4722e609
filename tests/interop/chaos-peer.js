'use strict';
// A lab-style peer of caps-chaos --cluster (tests/queue-hub): an unmodified socket.io-client 4.x
// with its default transports (long-polling, then the upgrade to WebSocket), speaking the lab's
// Phase 3 protocol: a vendor or a driver that asks for its queue (`getAll`) on every connection,
// acknowledges what it handled (`received`), and sends each step until the hub confirms it
// (an emit with an acknowledgement, sent again on the next connection when the answer never
// came: the connection died under it). A refusal the hub marks final is not sent again.
//
//   node chaos-peer.js --role vendor|driver --url http://127.0.0.1:PORT/caps [--store NAME]
//        [--deliver-delay MS]   (driver) between its in-transit's confirmation and delivered
//
// caps-chaos drives it over stdin, one command a line:
//   pickup {json}   (vendor) place this order
//   drop            the network fails under it (the engine closes; the client reconnects by itself)
//   leave MS        it disconnects and connects again after MS ms
// and reads stdout:
//   STATE connected unconfirmed       after every change of either
//   DELIVERED id                      (vendor) the first `delivered` of one of its orders
//   MISROUTED event id store          (vendor) a store step of another store reached it
//   ABANDONED event id error          a pickup or delivered the hub refused for good
const { option, io } = require('./script');

const role = option('role', 'vendor');
const url = option('url', 'http://127.0.0.1:3000/caps');
const store = option('store', 'lab-store');
const deliverDelay = Number(option('deliver-delay', 0));
const socket = io(url, {
  reconnectionDelay: 50,
  reconnectionDelayMax: 300,
  timeout: 5000,
});

let connection = 0;
const unconfirmed = new Map(); // "event id" -> {event, payload, connection}
const delivered = new Set(); // vendor: orders seen delivered; driver: orders whose delivered was confirmed
const taking = new Set(); // driver: orders with an in-transit sent or confirmed
let lastState = '';

function state() {
  const s = `STATE ${socket.connected ? 1 : 0} ${unconfirmed.size}`;
  if (s !== lastState) {
    lastState = s;
    console.log(s);
  }
}

// Sends `event` until the hub answers ok or refuses for good; calls done(answer) once confirmed.
function send(event, payload, done) {
  const key = `${event} ${payload.orderID}`;
  const entry = { event, payload, connection, done };
  unconfirmed.set(key, entry);
  state();
  if (socket.connected) transmit(key, entry);
}

function transmit(key, entry) {
  entry.connection = connection;
  socket.emit(entry.event, entry.payload, (answer) => {
    if (unconfirmed.get(key) !== entry) return;
    const ok = !answer || answer.ok !== false;
    if (!ok && answer.retry !== false) {
      // Not stored (a hub busy or losing its database): again, a little later.
      setTimeout(() => { if (unconfirmed.get(key) === entry && socket.connected) transmit(key, entry); }, 200);
      return;
    }
    unconfirmed.delete(key);
    if (ok) {
      if (entry.done) entry.done(answer);
    } else if (entry.event === 'in-transit') {
      taking.delete(entry.payload.orderID); // another driver took it: as on one hub, not ours
    } else {
      console.log(`ABANDONED ${entry.event} ${entry.payload.orderID} ${JSON.stringify(answer.error || '')}`);
    }
    state();
  });
}

socket.on('connect', () => {
  connection += 1;
  if (role === 'vendor') {
    socket.emit('join', store);
    socket.emit('getAll', { clientId: store });
  } else {
    socket.emit('getAll', { clientId: 'driver', event: 'pickup' });
  }
  // Sent on a connection that is gone without an answer: the hub may never have read them.
  for (const [key, entry] of unconfirmed) {
    if (entry.connection < connection) transmit(key, entry);
  }
  state();
});
socket.on('disconnect', () => state());

if (role === 'vendor') {
  for (const event of ['in-transit', 'delivered']) {
    socket.on(event, (payload) => {
      if (!payload || typeof payload !== 'object') return;
      if (payload.store !== store) {
        console.log(`MISROUTED ${event} ${payload.orderID} ${payload.store}`);
        return;
      }
      if (event === 'delivered' && !delivered.has(payload.orderID)) {
        delivered.add(payload.orderID);
        console.log(`DELIVERED ${payload.orderID}`);
      }
      // Handled (a copy too): the hub may drop it from this store's queue.
      socket.emit('received', { clientId: store, event, messageId: payload.orderID });
    });
  }
} else {
  const acknowledge = (orderID) => socket.emit('received', { clientId: 'driver', event: 'pickup', messageId: orderID });
  socket.on('pickup', (payload) => {
    if (!payload || typeof payload !== 'object' || typeof payload.orderID !== 'string') return;
    const id = payload.orderID;
    if (delivered.has(id)) {
      acknowledge(id); // a copy of one this driver has brought: its `received` was lost
      return;
    }
    if (taking.has(id)) return;
    taking.add(id);
    send('in-transit', payload, () => setTimeout(() => send('delivered', payload, () => {
      delivered.add(id);
      taking.delete(id);
      acknowledge(id);
    }), deliverDelay));
  });
}

require('readline').createInterface({ input: process.stdin }).on('line', (line) => {
  const space = line.indexOf(' ');
  const command = space < 0 ? line : line.slice(0, space);
  const rest = space < 0 ? '' : line.slice(space + 1);
  if (command === 'pickup' && role === 'vendor') {
    send('pickup', JSON.parse(rest));
  } else if (command === 'drop') {
    if (socket.io.engine) socket.io.engine.close();
  } else if (command === 'leave') {
    socket.disconnect();
    state();
    setTimeout(() => socket.connect(), Number(rest) || 0);
  }
}).on('close', () => process.exit(0));
state();
