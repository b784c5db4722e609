#!/usr/bin/python3
"""The lab's vendor written with python-socketio (Debian's python3-socketio 5.7), the way a
Python programmer writes it: every handler takes the payload and nothing else. It joins its
store's room, sends a `pickup` for each of --count orders and thanks the driver for each
`delivered`.

    /usr/bin/python3 lab-vendor.py [--url http://127.0.0.1:3000] [--store 1-206-flowers]
                                   [--count 5] [--transports websocket] [--timeout 30]

Default transports: long-polling, then the upgrade to WebSocket; --transports websocket
connects over WebSocket only. Exits 0 once each of its orders has been delivered to it once,
1 on anything else: a delivery for another store or a second one, an exception in a handler
(a server that sends more arguments than were emitted makes `on_delivered(payload)` raise
TypeError), no connection, or the timeout.
"""

import argparse
import sys
import threading
import uuid

import socketio

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument('--url', default='http://127.0.0.1:3000')
parser.add_argument('--namespace', default='/caps')
parser.add_argument('--store', default='1-206-flowers')
parser.add_argument('--count', type=int, default=5)
parser.add_argument('--transports', help='comma-separated; default: polling, then upgrade')
parser.add_argument('--timeout', type=float, default=30, help='seconds to wait for the deliveries')
options = parser.parse_args()
sys.stdout.reconfigure(line_buffering=True)

NSP = options.namespace
CUSTOMERS = ['Jamal Braun', 'Ana Lima', 'Wei Chen', 'Olga Ivanova']
PLACES = ['Schmittfort, LA', 'Lake Ruby, WA', 'North Ida, OR']

sio = socketio.Client(reconnection=False)
lock = threading.Lock()
sent = set()
thanked = set()
failures = []
finished = threading.Event()


def fail(message):
    with lock:
        failures.append(message)
    finished.set()


# python-socketio runs each handler on a thread of its own: an exception there would only be
# printed, and the event silently lost.
threading.excepthook = lambda hook: fail(f'{hook.exc_type.__name__} in a handler: {hook.exc_value}')


@sio.on('connect', namespace=NSP)
def on_connect():
    print(f'VENDOR: connected as {sio.get_sid(NSP)}')
    sio.emit('join', options.store, namespace=NSP)


@sio.on('delivered', namespace=NSP)
def on_delivered(payload):
    order_id = payload.get('orderID') if isinstance(payload, dict) else None
    with lock:
        if order_id not in sent:
            failures.append(f'a delivery that is not ours reached {options.store}: {payload!r}')
        elif order_id in thanked:
            failures.append(f'{order_id} was delivered twice')
        else:
            thanked.add(order_id)
            print(f'VENDOR: Thank you for delivering {order_id}')
        if failures or len(thanked) == options.count:
            finished.set()


@sio.on('disconnect', namespace=NSP)
def on_disconnect():
    print('VENDOR: disconnected')
    if not finished.is_set():
        fail('the hub closed the connection')


def main():
    transports = options.transports.split(',') if options.transports else None
    try:
        sio.connect(options.url, namespaces=[NSP], transports=transports, wait_timeout=10)
    except socketio.exceptions.ConnectionError as error:
        print(f'VENDOR: FAIL cannot connect: {error}')
        return 1
    # A session opened by long-polling is offered the upgrade; a WebSocket-only one is not.
    upgraded = ', upgraded from polling' if 'websocket' in sio.eio.upgrades else ''
    print(f'VENDOR: transport {sio.transport()}{upgraded}')
    for n in range(options.count):
        order = {
            'store': options.store,
            'orderID': uuid.uuid4().hex[:8],
            'customer': CUSTOMERS[n % len(CUSTOMERS)],
            'address': PLACES[n % len(PLACES)],
        }
        with lock:
            sent.add(order['orderID'])
        print(f'VENDOR: pickup {order["orderID"]}')
        sio.emit('pickup', order, namespace=NSP)
    if not finished.wait(options.timeout):
        fail(f'timed out: {len(thanked)} of {options.count} orders delivered')
    sio.disconnect()
    with lock:
        if failures:
            print(f'VENDOR: FAIL {failures[0]}')
            return 1
    print(f'VENDOR: OK {options.count} orders delivered to {options.store}')
    return 0


sys.exit(main())
