'use strict';
// The lab's Phase 2 driver: on every `pickup` it waits a little, emits `in-transit`, then
// `delivered`, with the payload as received. For trying caps-hub by hand:
//
//   node lab-driver.js [--url http://127.0.0.1:3000/caps] [--delay 1000] [--count 0] [--websocket] [--client 2]

const { option, io } = require('./script');   // --client 2: socket.io-client 2.5.0

const url = option('url', 'http://127.0.0.1:3000/caps');
const delay = Number(option('delay', 1000));
const count = Number(option('count', 0));
const socket = io(url, process.argv.includes('--websocket') ? { transports: ['websocket'] } : {});
let delivered = 0;

socket.on('connect', () => console.log(`DRIVER: connected as ${socket.id} (${socket.io.engine.transport.name})`));
socket.on('pickup', (payload) => {
  setTimeout(() => {
    console.log(`DRIVER: picked up ${payload.orderID}`);
    socket.emit('in-transit', payload);
    setTimeout(() => {
      console.log(`DRIVER: delivered ${payload.orderID}`);
      socket.emit('delivered', payload);
      delivered += 1;
      if (count > 0 && delivered >= count) setTimeout(() => socket.disconnect(), 200);
    }, delay);
  }, delay);
});
socket.on('disconnect', (reason) => console.log(`DRIVER: disconnected (${reason})`));
