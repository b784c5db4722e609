'use strict';
// Load from real socket.io-client 4.8 processes, as users' clients are: V vendor processes and D
// driver processes, one socket each, WebSocket only, the lab's routing (vendors join their
// store's room and emit `pickup`; every driver hears every pickup; exactly one driver answers
// each order, by a hash of its orderID, with `in-transit` and then `delivered`, the payload as
// received). bench/compare's scenario (e); caps-bench does the same with a lean client of its own.
//
//   node sio-load.js --port PORT [--host 127.0.0.1] [--namespace /caps] [--vendors 10]
//                    [--drivers 10] [--inflight 200] [--duration 8] [--warmup 2] [--drain 20]
//                    [--hub-pid PID] [--json]
//
// Vendors keep --inflight orders in flight in all and emit a new one when one is delivered.
// Measured between the end of the warm-up and the end of --duration: orders/s, the hub's CPU
// per order (utime + stime of /proc/PID/stat), the lifecycle latency (pickup emit to the vendor
// hearing `delivered`). An order not delivered by the end of the drain is lost. Exit code 1
// unless nothing was lost and nothing went wrong.

const { fork } = require('child_process');
const fs = require('fs');
const os = require('os');

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}
function number(name, fallback, min) {
  const text = option(name, String(fallback));
  const value = Number(text);
  if (!Number.isFinite(value) || value < min) {
    console.error(`sio-load: --${name} wants a number >= ${min}, not "${text}"`);
    process.exit(2);
  }
  return value;
}

// FNV-1a of the orderID, as caps-bench's drivers choose theirs.
function fnv1a(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; ++i) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

if (process.argv[2] === '--child') {
  child();
} else {
  parent();
}

function child() {
  const { io } = require('socket.io-client');
  const [, , , role, indexText, countText, url, inflightText] = process.argv;
  const index = Number(indexText);
  const count = Number(countText); // drivers: how many there are; vendors: unused
  const socket = io(url, { transports: ['websocket'], reconnection: false });
  const store = `store-${index}`;
  let errors = 0;
  let emitting = false;
  let sequence = 0;
  const inflight = new Map(); // orderID -> emit time (ns)
  const latenciesUs = [];
  let delivered = 0;
  let measuring = false;
  let window = Number(inflightText);

  socket.on('connect_error', (err) => {
    errors += 1;
    process.send({ type: 'error', message: `connect: ${err.message}` });
  });
  socket.on('disconnect', (reason) => {
    if (reason !== 'io client disconnect') process.send({ type: 'error', message: `disconnect: ${reason}` });
  });

  function emitOne() {
    const orderID = `${index}-${++sequence}-${process.hrtime.bigint()}`;
    inflight.set(orderID, process.hrtime.bigint());
    socket.emit('pickup', { store, orderID, customer: `Customer ${sequence}`, address: `${sequence} Main Street` });
  }

  if (role === 'vendor') {
    socket.on('connect', () => {
      socket.emit('join', store);
      process.send({ type: 'ready' });
    });
    socket.on('delivered', (payload) => {
      const sent = payload && inflight.get(payload.orderID);
      if (sent === undefined) return; // not ours, or a repeat
      inflight.delete(payload.orderID);
      delivered += 1;
      if (measuring) latenciesUs.push(Number((process.hrtime.bigint() - sent) / 1000n));
      if (emitting) emitOne();
      else if (inflight.size === 0) process.send({ type: 'drained' });
    });
  } else {
    socket.on('connect', () => process.send({ type: 'ready' }));
    socket.on('pickup', (payload) => {
      if (!payload || typeof payload.orderID !== 'string') {
        errors += 1;
        return;
      }
      if (fnv1a(payload.orderID) % count !== index) return;
      socket.emit('in-transit', payload);
      socket.emit('delivered', payload);
    });
  }

  process.on('message', (message) => {
    if (message.type === 'go') {
      emitting = true;
      for (let i = 0; i < window; ++i) emitOne();
    } else if (message.type === 'measure') {
      measuring = true;
      process.send({ type: 'mark', delivered });
    } else if (message.type === 'stop') {
      measuring = false;
      emitting = false;
      process.send({ type: 'mark', delivered });
      if (inflight.size === 0) process.send({ type: 'drained' });
    } else if (message.type === 'report') {
      const cpu = process.cpuUsage();
      process.send({
        type: 'report', role, errors, lost: inflight.size, emitted: sequence, delivered,
        latenciesUs, cpuS: (cpu.user + cpu.system) / 1e6,
      });
      socket.disconnect();
      setTimeout(() => process.exit(0), 50);
    }
  });
}

function parent() {
  const host = option('host', '127.0.0.1');
  const port = number('port', 3000, 1);
  const namespace = option('namespace', '/caps');
  const vendors = number('vendors', 10, 1);
  const drivers = number('drivers', 10, 1);
  const inflight = number('inflight', 200, 1);
  const duration = number('duration', 8, 1);
  const warmup = number('warmup', 2, 0);
  const drain = number('drain', 20, 1);
  const hubPid = option('hub-pid', '');
  const json = process.argv.includes('--json');
  if (warmup >= duration) {
    console.error('sio-load: --warmup must be shorter than --duration');
    process.exit(2);
  }
  const url = `http://${host}:${port}${namespace}`;
  const ticks = 100; // USER_HZ on Linux
  const hubCpu = () => {
    if (!hubPid) return NaN;
    const stat = fs.readFileSync(`/proc/${hubPid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticks; // utime, stime
  };

  const children = [];
  const errors = [];
  const perVendor = Math.floor(inflight / vendors);
  for (let i = 0; i < vendors; ++i) {
    const share = perVendor + (i < inflight % vendors ? 1 : 0);
    children.push({ role: 'vendor', proc: fork(__filename, ['--child', 'vendor', String(i), '0', url, String(share)]) });
  }
  for (let i = 0; i < drivers; ++i) {
    children.push({ role: 'driver', proc: fork(__filename, ['--child', 'driver', String(i), String(drivers), url, '0']) });
  }
  const deadline = (ms, what) => setTimeout(() => {
    console.error(`sio-load: ${what} took longer than ${ms} ms`);
    for (const c of children) c.proc.kill();
    process.exit(1);
  }, ms);

  // Each child's messages of one type, collected until every child (of a role) has sent one.
  const waiting = new Map();
  const expect = (type, role) => new Promise((resolve) => {
    const from = children.filter((c) => !role || c.role === role);
    waiting.set(type, { left: from.length, results: [], resolve });
  });
  for (const c of children) {
    c.proc.on('message', (message) => {
      if (message.type === 'error') {
        errors.push(`${c.role}: ${message.message}`);
        return;
      }
      const w = waiting.get(message.type);
      if (!w) return;
      w.results.push(message);
      if (--w.left === 0) {
        waiting.delete(message.type);
        w.resolve(w.results);
      }
    });
  }
  const send = (message, role) => children.filter((c) => !role || c.role === role).forEach((c) => c.proc.send(message));
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const sum = (xs, key) => xs.reduce((a, x) => a + x[key], 0);

  (async () => {
    let timer = deadline(30000, 'connecting');
    await expect('ready');
    clearTimeout(timer);
    send({ type: 'go' }, 'vendor');
    await sleep(warmup * 1000);
    const startMarks = expect('mark', 'vendor');
    const cpu0 = hubCpu();
    const t0 = process.hrtime.bigint();
    send({ type: 'measure' }, 'vendor');
    const start = sum(await startMarks, 'delivered');
    await sleep((duration - warmup) * 1000);
    const endMarks = expect('mark', 'vendor');
    const drained = expect('drained', 'vendor');
    const cpu1 = hubCpu();
    const t1 = process.hrtime.bigint();
    send({ type: 'stop' }, 'vendor');
    const end = sum(await endMarks, 'delivered');
    await Promise.race([drained, sleep(drain * 1000)]);
    const reports = expect('report');
    send({ type: 'report' });
    const all = await reports;
    const vendorsOut = all.filter((r) => r.role === 'vendor');
    const latencies = vendorsOut.flatMap((r) => r.latenciesUs).sort((a, b) => a - b);
    const pct = (p) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] / 1000 : NaN);
    const measuredS = Number(t1 - t0) / 1e9;
    const completedMeasured = end - start;
    const result = {
      scenario: 'socket.io-client 4.8',
      vendors, drivers, inflight, durationS: duration, warmupS: warmup, measuredS,
      emitted: sum(vendorsOut, 'emitted'),
      completed: sum(vendorsOut, 'delivered'),
      completedMeasured,
      ordersPerS: completedMeasured / measuredS,
      hubCpuS: cpu1 - cpu0,
      hubCpuUsPerOrder: ((cpu1 - cpu0) * 1e6) / completedMeasured,
      latencyP50Ms: pct(0.5), latencyP99Ms: pct(0.99), latencyMaxMs: pct(1),
      lost: sum(vendorsOut, 'lost'),
      errorCount: errors.length + sum(all, 'errors'),
      errors: errors.slice(0, 10),
      benchCpuS: sum(all, 'cpuS'),
      benchProcesses: all.length,
      cores: os.cpus().length,
    };
    result.ok = result.lost === 0 && result.errorCount === 0 && completedMeasured > 0;
    if (json) {
      console.log(JSON.stringify(result));
    } else {
      console.log(`orders/s ${result.ordersPerS.toFixed(0)}, hub CPU per order ${result.hubCpuUsPerOrder.toFixed(1)} µs, ` +
        `p50 ${result.latencyP50Ms.toFixed(2)} ms, p99 ${result.latencyP99Ms.toFixed(2)} ms, ` +
        `lost ${result.lost}, errors ${result.errorCount}, clients' CPU ${result.benchCpuS.toFixed(2)} s`);
    }
    process.exit(result.ok ? 0 : 1);
  })();
}
