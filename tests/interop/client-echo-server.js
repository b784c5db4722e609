'use strict';
// A small Node socket.io 4.x server for caps::Client's interop tests (tests/client): acks,
// binary in both directions, a server-initiated ack, a namespace guarded by an auth token, and
// a kick. Prints "client-echo-server listening on 127.0.0.1:PORT" once ready, then one
// "got EVENT JSON" line per `record` event so that a test can count arrivals.
//
//   node client-echo-server.js [--port 0] [--host 127.0.0.1] [--ping-interval ms] [--ping-timeout ms]

const http = require('http');
const { Server } = require('socket.io');

const { option } = require('./script');

const port = Number(option('port', 0));
const host = option('host', '127.0.0.1');

const io = new Server({
  cors: { origin: '*' },
  pingInterval: Number(option('ping-interval', 25000)),
  pingTimeout: Number(option('ping-timeout', 20000)),
});

function serve(nsp) {
  nsp.on('connection', (socket) => {
    socket.emit('welcome', { id: socket.id, auth: socket.handshake.auth });

    socket.on('join', (room) => {
      if (typeof room === 'string' && room.length > 0) {
        socket.join(room);
        console.log('joined', JSON.stringify(room));
      }
    });
    // Everyone in the room but the sender gets it: shows that a room was (re)joined.
    socket.on('to-room', (room, payload) => socket.to(room).emit('in-room', payload));
    socket.on('record', (...args) => {
      console.log('got record', JSON.stringify(args.filter((a) => typeof a !== 'function')));
      const ack = args[args.length - 1];
      if (typeof ack === 'function') ack('recorded');
    });
    socket.on('echo', (...args) => {
      const ack = typeof args[args.length - 1] === 'function' ? args.pop() : null;
      if (ack) ack(...args);
      else socket.emit('echo', ...args);
    });
    socket.on('binary-ack', (ack) => ack({ bytes: Buffer.from([1, 2, 3]), text: 'three' }));
    socket.on('send-binary', () => socket.emit('blob', Buffer.from('hello'), 'x', { nested: Buffer.from([0, 255]) }));
    socket.on('ask', (question) => {
      socket.emit('question', question, (answer) => socket.emit('answer', answer));
    });
    socket.on('never-acked', () => {});
    socket.on('kick', () => socket.disconnect(true));
  });
}

serve(io.of('/echo'));
const guarded = io.of('/private');
guarded.use((socket, next) => {
  if (socket.handshake.auth && socket.handshake.auth.token === 'secret') next();
  else next(new Error('unauthorized'));
});
serve(guarded);

const httpServer = http.createServer();
io.attach(httpServer);
httpServer.listen(port, host, () => {
  const address = httpServer.address();
  console.log(`client-echo-server listening on ${address.address}:${address.port}`);
});

function shutdown() {
  io.close(() => process.exit(0));
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
