'use strict';
// socket.io-client 2.5.0 (Engine.IO 3, Socket.IO protocol v4: the 2020 CAPS labs' client)
// against caps-echo-server --allow-eio3: the handshake query as auth, namespaces, events, acks
// both ways, binary, the client's heartbeats, disconnect. Exits 0 when every check passed.
// What echo-features.js checks for socket.io-client 4, in the older client's API (no auth
// object, no emitWithAck, a namespace's refusal as 'error').
//
//   node echo-features-v2.js --url http://127.0.0.1:PORT [--transport default|websocket|polling] [--heartbeat-ms 1500]

const io = require('socket.io-client-v2');
const assert = require('assert');

const { option, transportOptions, once, Checks } = require('./script');

const url = option('url', 'http://127.0.0.1:3000');
const transport = option('transport', 'default');
const heartbeatMs = Number(option('heartbeat-ms', 1500));
const base = transportOptions(transport);

function connect(path, extra = {}) {
  return io(url + path, { ...base, forceNew: true, reconnection: false, ...extra });
}

const checks = new Checks();
const check = (name, fn) => checks.add(name, fn);

check('the main namespace is joined without a CONNECT of the client\'s', async () => {
  const s = connect('/');
  await once(s, 'connect');
  assert.strictEqual(s.id, s.io.engine.id);
  s.disconnect();
});

check('namespace /custom: its handshake query reaches the server as auth', async () => {
  const s = connect('/custom', { query: { user: 'me', n: '1' } });
  const [auth] = await once(s, 'auth');
  assert.deepStrictEqual(auth, { user: 'me', n: '1' });
  assert.strictEqual(s.id, `/custom#${s.io.engine.id}`);
  s.disconnect();
});

check('unknown namespace gets error "Invalid namespace"', async () => {
  const s = connect('/nope');
  const [err] = await once(s, 'error');
  // socket.io 2 servers sent the bare string (as caps does); socket.io 4 with allowEIO3 sends
  // { message } for this one refusal.
  assert.strictEqual(typeof err === 'string' ? err : err.message, 'Invalid namespace');
  s.disconnect();
});

check('message is echoed as message-back with the same arguments', async () => {
  const s = connect('/custom');
  await once(s, 'connect');
  s.emit('message', 'hello', 42, { nested: [1, 2, { deep: true }] }, null, 'ünïcødé ✓ 😀');
  const args = await once(s, 'message-back');
  assert.deepStrictEqual(args, ['hello', 42, { nested: [1, 2, { deep: true }] }, null, 'ünïcødé ✓ 😀']);
  s.disconnect();
});

check('binary arguments round-trip', async () => {
  const s = connect('/custom');
  await once(s, 'connect');
  const bytes = Buffer.from([0, 1, 2, 253, 254, 255]);
  s.emit('message', bytes, { file: Buffer.from('second'), name: 'x' });
  const [a, b] = await once(s, 'message-back');
  assert.ok(Buffer.from(a).equals(bytes), 'first attachment');
  assert.ok(Buffer.from(b.file).equals(Buffer.from('second')), 'nested attachment');
  assert.strictEqual(b.name, 'x');
  s.disconnect();
});

check('binary round-trips for a client that asks for base64 (b64=1)', async () => {
  const s = connect('/custom', { forceBase64: true });
  await once(s, 'connect');
  const bytes = Buffer.from([7, 0, 255, 128]);
  s.emit('message', bytes, 'text');
  const [a, b] = await once(s, 'message-back');
  assert.ok(Buffer.from(a).equals(bytes));
  assert.strictEqual(b, 'text');
  s.disconnect();
});

check('message-with-ack is acknowledged with its own arguments (binary too)', async () => {
  const s = connect('/custom');
  await once(s, 'connect');
  const all = await new Promise((resolve) => s.emit('message-with-ack', 1, 'two', { three: 3 }, (...a) => resolve(a)));
  assert.deepStrictEqual(all, [1, 'two', { three: 3 }]);
  const bin = await new Promise((resolve) => s.emit('message-with-ack', Buffer.from([9, 8, 7]), (...a) => resolve(a)));
  assert.ok(Buffer.from(bin[0]).equals(Buffer.from([9, 8, 7])));
  s.disconnect();
});

check('server-side emit with ack: the client acknowledges, the server gets the arguments', async () => {
  const s = connect('/custom');
  await once(s, 'connect');
  s.on('question', (a, b, callback) => callback(`${a}!`, { got: b }, Buffer.from([1, 2])));
  s.emit('ask', 'why', 7);
  const [x, y, z] = await once(s, 'answer');
  assert.strictEqual(x, 'why!');
  assert.deepStrictEqual(y, { got: 7 });
  assert.ok(Buffer.from(z).equals(Buffer.from([1, 2])));
  s.disconnect();
});

check(`the client's heartbeats keep a quiet connection alive for ${heartbeatMs} ms`, async () => {
  const s = connect('/custom');
  await once(s, 'connect');
  let pongs = 0;
  s.io.engine.on('pong', () => { pongs += 1; });
  let lost = null;
  s.on('disconnect', (reason) => { lost = reason; });
  await new Promise((r) => setTimeout(r, heartbeatMs));
  assert.strictEqual(lost, null, `disconnected: ${lost}`);
  assert.ok(pongs >= 2, `only ${pongs} pongs in ${heartbeatMs} ms`);
  s.emit('message', 'still here');
  const [back] = await once(s, 'message-back');
  assert.strictEqual(back, 'still here');
  s.disconnect();
});

check('client disconnect, then a new connection works', async () => {
  const s = connect('/custom');
  await once(s, 'connect');
  const gone = once(s, 'disconnect');
  s.disconnect();
  const [reason] = await gone;
  assert.strictEqual(reason, 'io client disconnect');
  const again = connect('/custom');
  await once(again, 'connect');
  again.disconnect();
});

checks.run(transport);
