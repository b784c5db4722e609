'use strict';
// socket.io-client against caps-echo-server: auth, namespaces, events, acks both ways
// (the client's ack callbacks, and the server's acks), binary, heartbeats, disconnect.
// Exits 0 when every check passed.
//
//   node echo-features.js --url http://127.0.0.1:PORT [--transport default|websocket|polling] [--heartbeat-ms 1500]

const { io } = require('socket.io-client');
const assert = require('assert');

const { option, once, Checks } = require('./script');

const url = option('url', 'http://127.0.0.1:3000');
const transport = option('transport', 'default');
const heartbeatMs = Number(option('heartbeat-ms', 1500));
const base = { websocket: { transports: ['websocket'] }, polling: { transports: ['polling'] } }[transport] || {};

function connect(path, extra = {}) {
  return io(url + path, { ...base, forceNew: true, reconnection: false, ...extra });
}

const checks = new Checks();
const check = (name, fn) => checks.add(name, fn);

check('auth object reaches the server on "/"', async () => {
  const s = connect('/', { auth: { token: 'abc', n: 1 } });
  const [auth] = await once(s, 'auth');
  assert.deepStrictEqual(auth, { token: 'abc', n: 1 });
  s.disconnect();
});

check('namespace /custom, auth object', async () => {
  const s = connect('/custom', { auth: { user: 'me' } });
  const [auth] = await once(s, 'auth');
  assert.deepStrictEqual(auth, { user: 'me' });
  s.disconnect();
});

check('unknown namespace gets connect_error "Invalid namespace"', async () => {
  const s = connect('/nope');
  const [err] = await once(s, 'connect_error');
  assert.strictEqual(err.message, 'Invalid namespace');
  s.disconnect();
});

check('message is echoed as message-back with the same arguments', async () => {
  const s = connect('/');
  await once(s, 'connect');
  s.emit('message', 'hello', 42, { nested: [1, 2, { deep: true }] }, null);
  const args = await once(s, 'message-back');
  assert.deepStrictEqual(args, ['hello', 42, { nested: [1, 2, { deep: true }] }, null]);
  s.disconnect();
});

check('binary arguments round-trip', async () => {
  const s = connect('/');
  await once(s, 'connect');
  const bytes = Buffer.from([0, 1, 2, 253, 254, 255]);
  s.emit('message', bytes, { file: Buffer.from('second'), name: 'x' });
  const [a, b] = await once(s, 'message-back');
  assert.ok(Buffer.from(a).equals(bytes), 'first attachment');
  assert.ok(Buffer.from(b.file).equals(Buffer.from('second')), 'nested attachment');
  assert.strictEqual(b.name, 'x');
  s.disconnect();
});

check('message-with-ack is acknowledged with its own arguments (binary too)', async () => {
  const s = connect('/');
  await once(s, 'connect');
  const reply = await s.timeout(5000).emitWithAck('message-with-ack', 1, 'two', { three: 3 });
  assert.deepStrictEqual(reply, 1); // emitWithAck resolves with the first argument
  const all = await new Promise((resolve) => s.emit('message-with-ack', 1, 'two', { three: 3 }, (...a) => resolve(a)));
  assert.deepStrictEqual(all, [1, 'two', { three: 3 }]);
  const bin = await new Promise((resolve) => s.emit('message-with-ack', Buffer.from([9, 8, 7]), (...a) => resolve(a)));
  assert.ok(Buffer.from(bin[0]).equals(Buffer.from([9, 8, 7])));
  s.disconnect();
});

check('server-side emit with ack: the client acknowledges, the server gets the arguments', async () => {
  const s = connect('/');
  await once(s, 'connect');
  s.on('question', (a, b, callback) => callback(`${a}!`, { got: b }, Buffer.from([1, 2])));
  s.emit('ask', 'why', 7);
  const [x, y, z] = await once(s, 'answer');
  assert.strictEqual(x, 'why!');
  assert.deepStrictEqual(y, { got: 7 });
  assert.ok(Buffer.from(z).equals(Buffer.from([1, 2])));
  s.disconnect();
});

check('server-side emit with ack times out when the client never acknowledges', async () => {
  const s = connect('/');
  await once(s, 'connect');
  s.on('question', () => { /* no callback */ });
  s.emit('ask', 'anyone?');
  const [error] = await once(s, 'answer-timeout', 5000);
  assert.match(error, /timed out/);
  s.disconnect();
});

check(`heartbeats keep a quiet connection alive for ${heartbeatMs} ms`, async () => {
  const s = connect('/');
  await once(s, 'connect');
  let pings = 0;
  s.io.engine.on('ping', () => { pings += 1; });
  let lost = null;
  s.on('disconnect', (reason) => { lost = reason; });
  await new Promise((r) => setTimeout(r, heartbeatMs));
  assert.strictEqual(lost, null, `disconnected: ${lost}`);
  assert.ok(pings >= 2, `only ${pings} pings in ${heartbeatMs} ms`);
  s.emit('message', 'still here');
  const [back] = await once(s, 'message-back');
  assert.strictEqual(back, 'still here');
  s.disconnect();
});

check('client disconnect, then a new connection works', async () => {
  const s = connect('/');
  await once(s, 'connect');
  const gone = once(s, 'disconnect');
  s.disconnect();
  const [reason] = await gone;
  assert.strictEqual(reason, 'io client disconnect');
  const again = connect('/');
  await once(again, 'connect');
  again.disconnect();
});

checks.run(transport);
