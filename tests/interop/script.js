'use strict';
// What the interop scripts share: their command-line options, the client library, and a run
// that owns its socket.io-client sockets and ends the process once with "OK ..." or "FAIL ..."
// (the C++ tests read the exit code and that line).

// The value after --name on the command line, or `fallback`.
function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

// --client 4 (default): socket.io-client 4.8.1; --client 2: socket.io-client 2.5.0, which speaks
// Engine.IO 3 / Socket.IO v4 as the 2020 CAPS labs' clients do. Both are unmodified npm packages.
const clientVersion = option('client', '4');
const clients = {
  4: () => require('socket.io-client').io,
  2: () => require('socket.io-client-v2'),
};
if (!clients[clientVersion]) {
  console.log(`FAIL --client ${clientVersion}: not 4 or 2`);
  process.exit(2);
}
const io = clients[clientVersion]();

// socket.io-client options for --transport default|websocket|polling.
function transportOptions(transport) {
  return { websocket: { transports: ['websocket'] }, polling: { transports: ['polling'] } }[transport] || {};
}

class ScriptRun {
  constructor() {
    this.sockets = [];
    this.finished = false;
  }

  // A new connection (its own Manager) that never reconnects by itself: each script decides
  // when a client comes back. A connect_error fails the run.
  connect(url, name, options = {}) {
    const socket = io(url, { ...options, forceNew: true, reconnection: false });
    socket.on('connect_error', (err) => this.fail(`${name}: connect_error ${err.message || err}`));
    // socket.io-client 2 reports a namespace's refusal as 'error', with the server's string.
    if (clientVersion === '2') socket.on('error', (err) => this.fail(`${name}: error ${err.message || err}`));
    this.sockets.push(socket);
    return socket;
  }

  finish(code, message) {
    if (this.finished) return;
    this.finished = true;
    console.log(message);
    for (const s of this.sockets) s.disconnect();
    setTimeout(() => process.exit(code), 50);
  }

  fail(message) { this.finish(1, `FAIL ${message}`); }
}

// The next `event` on `socket`, as the array of its arguments; rejects after `ms`.
function once(socket, event, ms = 5000) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no '${event}' within ${ms} ms`)), ms);
    socket.once(event, (...args) => { clearTimeout(t); resolve(args); });
  });
}

// Named async checks run one after the other; the process exits 0 when all passed, printing
// "ok"/"FAIL" per check and a last "OK n checks (label)" or "FAIL k of n checks (label)".
class Checks {
  constructor() { this.checks = []; }

  add(name, fn) { this.checks.push({ name, fn }); }

  async run(label) {
    let failed = 0;
    for (const { name, fn } of this.checks) {
      try {
        await fn();
        console.log(`ok   ${name}`);
      } catch (e) {
        failed += 1;
        console.log(`FAIL ${name}: ${e.message}`);
      }
    }
    const n = this.checks.length;
    console.log(failed ? `FAIL ${failed} of ${n} checks (${label})` : `OK ${n} checks (${label})`);
    process.exit(failed ? 1 : 0);
  }
}

// The client options that ask the hub for its notices (`taken`), as the Qt driver does: in the
// CONNECT auth for socket.io-client 4, in the handshake query (comma-separated) for 2, which has
// no auth. A lab client asks for none and hears none.
function noticesOptions(names = ['taken']) {
  return clientVersion === '2' ? { query: { notices: names.join(',') } } : { auth: { notices: names } };
}

module.exports = { option, transportOptions, ScriptRun, io, clientVersion, once, Checks, noticesOptions };
