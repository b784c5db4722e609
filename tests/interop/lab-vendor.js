'use strict';
// The lab's Phase 2 vendor, unchanged in spirit: joins its store's room, emits a `pickup`
// every few seconds, and thanks the driver for each `delivered`. For trying caps-hub by hand:
//
//   node lab-vendor.js [--url http://127.0.0.1:3000/caps] [--store 1-206-flowers] [--every 3000] [--count 0]
//   (add --websocket to skip long-polling, --client 2 for socket.io-client 2.5.0)

const { option, io } = require('./script');   // --client 2: socket.io-client 2.5.0

const url = option('url', 'http://127.0.0.1:3000/caps');
const store = option('store', '1-206-flowers');
const every = Number(option('every', 3000));
const count = Number(option('count', 0));   // 0: for ever
const socket = io(url, process.argv.includes('--websocket') ? { transports: ['websocket'] } : {});

const customers = ['Jamal Braun', 'Ana Lima', 'Wei Chen', 'Olga Ivanova'];
const places = ['Schmittfort, LA', 'Lake Ruby, WA', 'North Ida, OR'];
let sent = 0;
let thanked = 0;

socket.on('connect', () => {
  console.log(`VENDOR: connected as ${socket.id} (${socket.io.engine.transport.name})`);
  socket.emit('join', store);
});
socket.io.on('open', () => {
  socket.io.engine.on('upgrade', (t) => console.log(`VENDOR: upgraded to ${t.name}`));
});

function pickup() {
  const order = {
    store,
    orderID: Math.random().toString(16).slice(2, 10),
    customer: customers[sent % customers.length],
    address: places[sent % places.length],
  };
  sent += 1;
  socket.emit('pickup', order);
  if (count === 0 || sent < count) setTimeout(pickup, every);
}
setTimeout(pickup, 500);

socket.on('delivered', (payload) => {
  console.log(`VENDOR: Thank you for delivering ${payload.orderID}`);
  thanked += 1;
  if (count > 0 && thanked >= count) socket.disconnect();
});
socket.on('disconnect', (reason) => console.log(`VENDOR: disconnected (${reason})`));
