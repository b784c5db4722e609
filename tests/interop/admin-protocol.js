'use strict';
// The /admin namespace of caps-hub as @socket.io/admin-ui's UI uses it, through socket.io-client:
// the login (an admin token, its name as the user name; a session id to come back with), config,
// all_sockets, server_stats counts that match the sockets connected, the live socket and room
// events, the commands; refusals for everyone else, and for everyone without tokens unless
// --admin-open-on-loopback.
//
//   node admin-protocol.js        (CAPS_BINARY_DIR: the build folder; ctest sets it)

const { io } = require('socket.io-client');
const { spawnSync } = require('child_process');
const { hubPath, startHub, killHub, makeTokens, run, step } = require('./browser');

function open(url, nsp, auth, options = {}) {
  return new Promise((resolve, reject) => {
    const socket = io(`${url}${nsp}`, { reconnection: false, forceNew: true, auth, ...options });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (e) => {
      socket.close();
      reject(e);
    });
  });
}

async function refused(url, nsp, auth) {
  try {
    const s = await open(url, nsp, auth);
    s.close();
  } catch (e) {
    return e.message;
  }
  throw new Error(`${nsp} admitted ${JSON.stringify(auth)}`);
}

// The next `event` on `socket` whose arguments satisfy `test`.
function next(socket, event, test = () => true, ms = 10000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${ms} ms`)), ms);
    const on = (...args) => {
      if (!test(...args)) return;
      clearTimeout(timer);
      socket.off(event, on);
      resolve(args);
    };
    socket.on(event, on);
  });
}

function expect(condition, what) {
  if (!condition) throw new Error(what);
}

async function withTokens() {
  const { file, tokens: [admin, vendor] } = makeTokens([
    ['--role', 'admin', '--name', 'ops'],
    ['--role', 'vendor', '--store', 's1', '--name', 'Shop'],
  ]);
  const hub = await startHub(['--quiet', '--tokens', file]);

  step('refused: no credentials, a vendor token, the admin token under another name');
  expect((await refused(hub.url, '/admin', {})) === 'invalid credentials', 'no credentials');
  expect((await refused(hub.url, '/admin', { username: 'Shop', password: vendor })) === 'invalid credentials',
         'vendor token');
  expect((await refused(hub.url, '/admin', { username: 'mallory', password: admin })) === 'invalid credentials',
         'wrong name');
  expect((await refused(hub.url, '/admin', { sessionId: 'deadbeefdeadbeef' })) === 'invalid credentials',
         'made-up session');

  step('login: session, config, all_sockets, server_stats');
  const ui = io(`${hub.url}/admin`, { reconnection: false, auth: { username: 'ops', password: admin } });
  // admin-ui's charts: the hub counts transport connections and disconnections (by reason).
  const raw = { rawConnection: 0, rawDisconnection: 0 };
  ui.on('server_stats', (s) => {
    for (const e of s.aggregatedEvents || []) if (e.type in raw) raw[e.type] += e.count;
  });
  const session = next(ui, 'session');
  const config = next(ui, 'config');
  const all = next(ui, 'all_sockets');
  const [sessionId] = await session;
  expect(/^[0-9a-f]{16}$/.test(sessionId), `session id ${sessionId}`);
  const [{ supportedFeatures }] = await config;
  for (const f of ['EMIT', 'JOIN', 'LEAVE', 'DISCONNECT', 'MJOIN', 'MLEAVE', 'MDISCONNECT', 'AGGREGATED_EVENTS',
                   'ALL_EVENTS'])
    expect(supportedFeatures.includes(f), `feature ${f} in ${supportedFeatures}`);
  const [sockets] = await all;
  expect(sockets.length === 1 && sockets[0].nsp === '/admin' && sockets[0].id === ui.id,
         `all_sockets: ${JSON.stringify(sockets)}`);

  step('vendors connect: socket_connected, room_joined, event_received, then matching server_stats');
  const connected = next(ui, 'socket_connected', (s) => s.nsp === '/caps');
  const vendors = [];
  for (let i = 0; i < 3; ++i)
    vendors.push(await open(hub.url, '/caps', { token: vendor }, i === 0 ? { transports: ['websocket'] } : {}));
  const [described] = await connected;
  expect(described.id === vendors[0].id && described.transport === 'websocket' && described.rooms.includes(described.id)
         && described.handshake.address === '127.0.0.1' && described.handshake.query.EIO === '4'
         && described.handshake.query.transport === 'websocket'
         && described.handshake.headers.host === new URL(hub.url).host && described.handshake.issued > 0,
         `socket_connected: ${JSON.stringify(described)}`);
  const joined = next(ui, 'room_joined', (nsp, room, id) => nsp === '/caps' && room === 's1' && id === vendors[1].id);
  const heard = next(ui, 'event_received', (nsp, id, args) => id === vendors[1].id && args[0] === 'join');
  vendors[1].emit('join', 's1');
  await joined;
  const [, , args] = await heard;
  expect(JSON.stringify(args) === '["join","s1"]', `event_received args ${JSON.stringify(args)}`);
  const [stats] = await next(ui, 'server_stats', (s) => s.namespaces.some((n) => n.name === '/caps' && n.socketsCount === 3));
  const count = (name) => (stats.namespaces.find((n) => n.name === name) || {}).socketsCount;
  expect(count('/admin') === 1 && count('/') === 0, `namespaces ${JSON.stringify(stats.namespaces)}`);
  expect(stats.clientsCount === 4, `clientsCount ${stats.clientsCount}`);
  expect(typeof stats.uptime === 'number' && stats.pid > 0 && stats.serverId, `stats ${JSON.stringify(stats)}`);

  step('commands: emit, join (one socket), leave (everyone), _disconnect (one socket)');
  const hello = next(vendors[2], 'hello');
  ui.emit('emit', '/caps', vendors[2].id, 'hello', { n: 1 });
  const [greeting] = await hello;
  expect(greeting.n === 1, 'emit argument');
  const extra = next(ui, 'room_joined', (nsp, room, id) => room === 'extra' && id === vendors[0].id);
  ui.emit('join', '/caps', 'extra', vendors[0].id);
  await extra;
  const left = next(ui, 'room_left', (nsp, room, id) => room === 's1' && id === vendors[1].id);
  ui.emit('leave', '/caps', 's1');
  await left;
  // socket.io-client forgets a socket's id when it disconnects, and the vendor may hear of its
  // disconnection before the UI does: compare with the id kept from before.
  const firstId = vendors[0].id;
  const gone = next(vendors[0], 'disconnect');
  const reported = next(ui, 'socket_disconnected', (nsp, id) => id === firstId);
  ui.emit('_disconnect', '/caps', false, firstId);
  const [reason] = await gone;
  expect(reason === 'io server disconnect', `disconnect reason ${reason}`);
  await reported;
  await next(ui, 'server_stats', () => raw.rawDisconnection >= 1);
  expect(raw.rawConnection >= 4, `raw connections counted: ${JSON.stringify(raw)}`);

  step('a vendor sending the same commands on /caps moves nobody');
  // The hub refuses the vendor's _disconnect with an `error` event, which event_sent shows.
  const sent = next(ui, 'event_sent', (nsp, id, args) => id === vendors[1].id && args[0] === 'error');
  vendors[1].emit('_disconnect', '/caps', true);
  vendors[1].emit('join', 'extra');
  const [, , sentArgs] = await sent;
  expect(sentArgs[1].event === '_disconnect' && sentArgs[1].message.startsWith('Not allowed'),
         `event_sent args ${JSON.stringify(sentArgs)}`);
  const [after] = await next(ui, 'server_stats');
  expect(after.namespaces.find((n) => n.name === '/caps').socketsCount === 2, `after: ${JSON.stringify(after)}`);
  expect(vendors[2].connected, 'vendor 2 still connected');

  step('the session id lets the UI back in without the password, and gets no new session');
  const back = io(`${hub.url}/admin`, { reconnection: false, forceNew: true, auth: { sessionId } });
  let newSession = false;
  back.on('session', () => { newSession = true; });
  await next(back, 'config');
  expect(!newSession, 'a second session for a known one');
  back.close();

  step('the UI gone and back: a socket there all along is watched again, each event reported once');
  // With nobody watching, the sockets carry no hooks; the next login puts them back, once.
  ui.close();
  const again = io(`${hub.url}/admin`, { reconnection: false, forceNew: true, auth: { sessionId } });
  await next(again, 'server_stats',
             (s) => (s.namespaces.find((n) => n.name === '/admin') || {}).socketsCount === 1);
  const seen = [];
  const marker = new Promise((resolve) => again.on('event_received', (nsp, id, args) => {
    if (id !== vendors[2].id) return;
    seen.push(args.join(' '));
    if (args[1] === 'extra') resolve();
  }));
  vendors[2].emit('join', 's1');
  vendors[2].emit('join', 'extra');
  await marker;
  expect(JSON.stringify(seen) === '["join s1","join extra"]', `events reported: ${JSON.stringify(seen)}`);
  again.close();

  for (const s of vendors) s.close();
  await killHub(hub);
}

async function withoutTokens() {
  step('without tokens: /admin refused, with a reason');
  let hub = await startHub(['--quiet']);
  const reason = await refused(hub.url, '/admin', {});
  expect(reason.includes('--admin-open-on-loopback'), `reason: ${reason}`);
  await killHub(hub);
  step('--admin-open-on-loopback: admitted without login');
  hub = await startHub(['--quiet', '--admin-open-on-loopback']);
  const ui = await open(hub.url, '/admin', {});
  await next(ui, 'server_stats');
  ui.close();
  await killHub(hub);
  step('--admin-open-on-loopback on another address: the hub refuses to start');
  const wide = spawnSync(hubPath, ['--host', '0.0.0.0', '--insecure', '--port', '0', '--db', ':memory:',
                                   '--admin-open-on-loopback'], { encoding: 'utf8', timeout: 10000 });
  expect(wide.status === 2 && wide.stderr.includes('needs a loopback --host'),
         `exit ${wide.status}: ${wide.stderr}`);
  const clash = spawnSync(hubPath, ['--port', '0', '--db', ':memory:', '--namespace', 'admin'],
                          { encoding: 'utf8', timeout: 10000 });
  expect(clash.status === 2 && clash.stderr.includes("is the Admin UI's"), `exit ${clash.status}: ${clash.stderr}`);
}

run(async () => {
  await withTokens();
  await withoutTokens();
});
