'use strict';
// A lab-style vendor, driver and customer written with socket.io-client, run against a CAPS
// hub (caps-hub or the Node reference hub). Exits 0 when every order went pickup -> in-transit
// -> delivered and each party saw exactly what the hub's routing promises; non-zero otherwise.
//
//   node hub-orders.js --url http://127.0.0.1:PORT [--namespace /caps] [--transport default|websocket|polling] [--orders 5]
//                      [--track no]   (skip the customer-tracking extension, e.g. against bench/node-hub)

const { option, transportOptions, ScriptRun } = require('./script');

const url = option('url', 'http://127.0.0.1:3000');
const namespace = option('namespace', '/caps');
const transport = option('transport', 'default');
const orders = Number(option('orders', 5));
const tracking = option('track', 'yes') !== 'no';
const store = '1-206-flowers';
const otherStore = 'acme-widgets';

const clientOptions = transportOptions(transport);
const finalTransport = transport === 'polling' ? 'polling' : 'websocket';
const run = new ScriptRun();
const sockets = run.sockets;
const connect = (name) => run.connect(url + namespace, name, clientOptions);
const finish = (code, message) => run.finish(code, message);
const fail = (message) => run.fail(message);
const timer = setTimeout(() => fail(`timed out; state ${JSON.stringify(state())}, transports ${sockets.map((s) => s.io.engine && s.io.engine.transport.name)}`), 20000);

const vendor = connect('vendor');
const otherVendor = connect('other vendor');
const driver = connect('driver');
const customer = connect('customer');

const thanked = new Set();
const seenByDriver = new Set();
const customerSaw = [];
let otherVendorDeliveries = 0;
let vendorPickups = 0;
const orderIds = Array.from({ length: orders }, (_, i) => `order-${process.pid}-${i}`);
const tracked = orderIds[0];

function state() {
  return { thanked: thanked.size, driver: seenByDriver.size, customerSaw, vendorPickups };
}

let judging = false;
function check() {
  if (thanked.size < orders || (tracking && customerSaw.length < 3) || vendorPickups < orders) return;
  const names = sockets.map((s) => s.io.engine.transport.name);
  // The upgrade runs beside the traffic; give it until the overall timeout.
  if (names.some((n) => n !== finalTransport)) return setTimeout(check, 100);
  if (judging) return;
  judging = true;
  // Let stray events (which would be routing bugs) arrive before judging.
  setTimeout(() => {
    if (otherVendorDeliveries !== 0) return fail(`another store's vendor got ${otherVendorDeliveries} deliveries`);
    const expected = tracking ? ['pickup', 'in-transit', 'delivered'] : [];
    if (JSON.stringify(customerSaw) !== JSON.stringify(expected)) {
      return fail(`customer saw ${JSON.stringify(customerSaw)}, expected ${JSON.stringify(expected)}`);
    }
    clearTimeout(timer);
    finish(0, `OK ${orders} orders delivered over ${transport} transport`);
  }, 300);
}


driver.on('pickup', (payload) => {
  seenByDriver.add(payload.orderID);
  setTimeout(() => {
    console.log(`DRIVER: picked up ${payload.orderID}`);
    driver.emit('in-transit', payload);
    setTimeout(() => {
      console.log(`DRIVER: delivered ${payload.orderID}`);
      driver.emit('delivered', payload);
    }, 20);
  }, 20);
});

vendor.on('pickup', () => { vendorPickups += 1; check(); });
vendor.on('delivered', (payload) => {
  if (payload.store !== store) return fail(`vendor got a delivery for ${payload.store}`);
  console.log(`VENDOR: Thank you for delivering ${payload.orderID}`);
  thanked.add(payload.orderID);
  check();
});
otherVendor.on('delivered', () => { otherVendorDeliveries += 1; });
otherVendor.on('in-transit', () => { otherVendorDeliveries += 1; });

for (const event of ['pickup', 'in-transit', 'delivered']) {
  customer.on(event, (payload) => {
    if (!tracking) return;
    if (payload.orderID !== tracked) return fail(`customer got ${event} for untracked ${payload.orderID}`);
    customerSaw.push(event);
    check();
  });
}

let ready = 0;
function whenAllReady() {
  ready += 1;
  if (ready < 4) return;
  for (const orderID of orderIds) {
    // Key order as the lab writes it; the hub must relay it untouched.
    vendor.emit('pickup', { store, orderID, customer: 'Jamal Braun', address: 'Schmittfort, LA' });
  }
}

vendor.on('connect', () => { vendor.emit('join', store); setTimeout(whenAllReady, 100); });
otherVendor.on('connect', () => { otherVendor.emit('join', { store: otherStore }); setTimeout(whenAllReady, 100); });
driver.on('connect', () => setTimeout(whenAllReady, 100));
customer.on('connect', () => {
  if (!tracking) return whenAllReady();
  customer.emit('track', { orderID: tracked }, (reply) => {
    if (!reply || reply.ok !== true || !Array.isArray(reply.orders)) return fail(`bad track ack ${JSON.stringify(reply)}`);
    whenAllReady();
  });
});
