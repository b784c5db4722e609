'use strict';
// The lab's Phase 2 CAPS hub on Node's socket.io: the reference our Qt hub is tested and
// benchmarked against. Same routing as caps-hub: `pickup` to everyone on the namespace,
// `in-transit` and `delivered` to the store's room, one log line per event.
//
//   node hub.js [--port 3000] [--host 127.0.0.1] [--namespace /caps] [--quiet] [--recovery-window ms]
//
// --recovery-window turns on socket.io's connection state recovery (off by default, as in
// socket.io and in the lab): the reference for caps-hub's own (tests/interop/recovery.js).

const http = require('http');
const { Server } = require('socket.io');

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const port = Number(option('port', process.env.PORT || 3000));
const host = option('host', '127.0.0.1');
const namespace = option('namespace', '/caps');
const quiet = process.argv.includes('--quiet');
const recoveryWindow = Number(option('recovery-window', 0));

const io = new Server({
  cors: { origin: '*' },
  ...(recoveryWindow > 0 ? { connectionStateRecovery: { maxDisconnectionDuration: recoveryWindow } } : {}),
});
const caps = io.of(namespace);

function logEvent(event, payload) {
  if (!quiet) console.log('EVENT', { event, time: new Date(), payload });
}

function roomOf(payload) {
  if (typeof payload === 'string') return payload;
  if (payload && typeof payload === 'object') {
    return payload.store || payload.clientId || payload.queueId || payload.roomName;
  }
  return undefined;
}

caps.on('connection', (socket) => {
  socket.on('join', (room) => {
    const name = roomOf(room);
    if (typeof name === 'string' && name.length > 0) socket.join(name);
  });

  socket.on('pickup', (payload) => {
    logEvent('pickup', payload);
    caps.emit('pickup', payload);
  });

  socket.on('in-transit', (payload) => {
    logEvent('in-transit', payload);
    if (payload && payload.store) caps.to(payload.store).emit('in-transit', payload);
  });

  socket.on('delivered', (payload) => {
    logEvent('delivered', payload);
    if (payload && payload.store) caps.to(payload.store).emit('delivered', payload);
  });
});

const httpServer = http.createServer();
io.attach(httpServer);
httpServer.listen(port, host, () => {
  const address = httpServer.address();
  console.log(`node-hub listening on ${address.address}:${address.port}${namespace}`);
});

function shutdown() {
  io.close(() => process.exit(0));
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
