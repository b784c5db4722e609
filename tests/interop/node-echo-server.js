'use strict';
// caps-echo-server's behaviour on Node's socket.io: the reference that echo-features.js is
// checked against, so that the script expects what a real socket.io server does.
//
//   node node-echo-server.js [--port 0] [--ping-interval ms] [--ping-timeout ms] [--allow-eio3]

const http = require('http');
const { Server } = require('socket.io');

const { option } = require('./script');

const io = new Server({
  cors: { origin: '*' },
  pingInterval: Number(option('ping-interval', 25000)),
  pingTimeout: Number(option('ping-timeout', 20000)),
  allowEIO3: process.argv.includes('--allow-eio3'),
});

function serve(nsp) {
  nsp.on('connection', (socket) => {
    socket.emit('auth', socket.handshake.auth);
    socket.on('message', (...args) => socket.emit('message-back', ...args));
    socket.on('message-with-ack', (...args) => {
      const ack = args.pop();
      ack(...args);
    });
    socket.on('ask', (...args) => {
      socket.timeout(2000).emit('question', ...args, (err, ...reply) => {
        if (err) socket.emit('answer-timeout', 'operation has timed out');
        else socket.emit('answer', ...reply);
      });
    });
  });
}
serve(io.of('/'));
serve(io.of('/custom'));

const server = http.createServer();
io.attach(server);
server.listen(Number(option('port', 0)), '127.0.0.1', () => {
  console.log(`node-echo-server listening on http://127.0.0.1:${server.address().port}`);
});
process.on('SIGTERM', () => io.close(() => process.exit(0)));
process.on('SIGINT', () => io.close(() => process.exit(0)));
