// The tracking page: a socket.io-client on the hub's namespace, as the Qt customer is. It asks
// the hub with `track` for what it follows (the ack carries each order's latest event), then
// hears each step live; after the connection comes back it asks again and catches up.
'use strict';

(function () {
  const $ = (id) => document.getElementById(id);
  const params = new URLSearchParams(location.search);
  const customer = (params.get('customer') || '').trim();
  const orderID = (params.get('order') || '').trim();
  const fragment = new URLSearchParams(location.hash.slice(1));
  let token = fragment.get('token') || sessionStorage.getItem('caps-token') || '';
  // The token stays in this tab only, and not in the address bar someone may share.
  if (fragment.has('token')) {
    sessionStorage.setItem('caps-token', token);
    history.replaceState(null, '', location.pathname + location.search);
  }

  const orders = new Map(); // orderID -> { payload, times: { event: Date }, latest }
  let steps = []; // the catalogue's events that move an order, in order
  let labels = {};
  let finals = new Set(); // events that end an order's life off the steps (cancel)

  function setConnection(state, text) {
    const el = $('connection');
    el.dataset.state = state;
    el.textContent = text;
  }

  function problem(text) {
    const el = $('problem');
    el.textContent = text || '';
    el.hidden = !text;
  }

  function timeText(date) {
    return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  }

  function stepOf(event) {
    const i = steps.indexOf(event);
    return i < 0 ? -1 : i;
  }

  function record(event, payload, time) {
    if (!payload || typeof payload !== 'object' || payload.orderID === undefined) return;
    const id = String(payload.orderID);
    if (orderID && id !== orderID) return;
    let o = orders.get(id);
    if (!o) {
      o = { payload: payload, times: {}, latest: '' };
      orders.set(id, o);
    }
    o.payload = Object.assign({}, o.payload, payload);
    if (!o.times[event] || time > o.times[event]) o.times[event] = time;
    if (stepOf(event) >= 0 && (o.latest === '' || stepOf(event) >= stepOf(o.latest))) o.latest = event;
    else if (stepOf(event) < 0) o.other = event;
    render();
  }

  function render() {
    const list = $('orders');
    list.replaceChildren();
    $('empty').hidden = orders.size > 0;
    for (const [id, o] of orders) {
      const li = document.createElement('li');
      li.className = 'order';
      li.dataset.order = id;
      li.dataset.status = o.other && finals.has(o.other) ? o.other : o.latest;
      const h = document.createElement('h3');
      h.id = 'order-' + id.replace(/[^A-Za-z0-9_-]/g, '_');
      h.textContent = 'Order ' + id;
      li.setAttribute('aria-labelledby', h.id);
      li.append(h);
      const who = document.createElement('p');
      who.className = 'who';
      who.textContent = [o.payload.customer, o.payload.address].filter(Boolean).join(' · ');
      li.append(who);
      const ol = document.createElement('ol');
      ol.className = 'steps';
      ol.setAttribute('aria-label', 'Progress of order ' + id);
      const reached = stepOf(o.latest);
      steps.forEach((event, i) => {
        const s = document.createElement('li');
        s.dataset.event = event;
        const done = i <= reached;
        if (done) s.classList.add('done');
        if (i === reached) s.setAttribute('aria-current', 'step');
        const label = document.createElement('span');
        label.textContent = labels[event] + (done ? '' : ' (not yet)');
        s.append(label);
        if (o.times[event]) {
          const t = document.createElement('time');
          t.dateTime = o.times[event].toISOString();
          t.textContent = timeText(o.times[event]);
          s.append(t);
        }
        ol.append(s);
      });
      li.append(ol);
      if (o.other) {
        const p = document.createElement('p');
        p.className = 'other';
        p.textContent = labels[o.other] || o.other;
        li.append(p);
      }
      list.append(li);
    }
  }

  function start(config) {
    const tracked = config.events;
    steps = tracked.filter((e) => e.step > 0).sort((a, b) => a.step - b.step).map((e) => e.event);
    labels = Object.fromEntries(tracked.map((e) => [e.event, e.label || e.event]));
    finals = new Set(tracked.filter((e) => e.final && !(e.step > 0)).map((e) => e.event));
    $('title').textContent = orderID ? 'Order ' + orderID : 'Parcels of ' + customer;
    document.title = $('title').textContent + ' – CAPS';

    const socket = io(config.namespace, { auth: (cb) => cb(token ? { token } : {}) });
    const what = orderID ? { orderID } : { customer };

    socket.on('connect', () => {
      setConnection('connected', 'Live: connected to the hub');
      problem('');
      $('token-form').hidden = true;
      socket.emit('track', what, (answer) => {
        if (!answer || !answer.ok) {
          problem('The hub would not track this: ' + ((answer && answer.error) || 'no answer'));
          return;
        }
        for (const known of answer.orders || []) record(known.event, known.payload, new Date(known.time));
        $('connection').dataset.caughtUp = String(Date.now());
      });
    });
    socket.on('disconnect', () => {
      setConnection('disconnected', 'Connection lost: reconnecting…');
    });
    socket.on('connect_error', (err) => {
      const refusedToken = err.message === 'Invalid token';
      if (err.message === 'Authentication required' || refusedToken) {
        setConnection('refused', refusedToken ? 'The hub refused this token' : 'A tracking token is needed');
        problem(refusedToken ? 'The hub refused this token. Check it and try again.' : '');
        $('token-form').hidden = false;
        $('token').focus();
        return;
      }
      setConnection('disconnected', 'The hub is unreachable: trying again…');
    });
    for (const e of tracked) socket.on(e.event, (payload) => record(e.event, payload, new Date()));

    $('token-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      token = $('token').value.trim();
      sessionStorage.setItem('caps-token', token);
      setConnection('connecting', 'Connecting to the hub…');
      socket.connect();
    });
  }

  if (!customer && !orderID) {
    problem('Nothing to track: open this page from the form, with your name or an order ID.');
    setConnection('refused', 'Not connected');
    return;
  }
  fetch('/hub.json')
    .then((r) => (r.ok ? r.json() : Promise.reject(new Error('HTTP ' + r.status))))
    .then(start)
    .catch((e) => {
      problem('This page could not start: ' + e.message);
      setConnection('refused', 'Not connected');
    });
})();
