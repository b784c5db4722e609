#!/usr/bin/python3
"""The lab's driver written with python-socketio (Debian's python3-socketio 5.7): on every
`pickup` it emits `in-transit`, then `delivered`, with the payload as received. Its handler
takes exactly that payload, `def on_pickup(payload)`, as a Python programmer writes it.

    /usr/bin/python3 lab-driver.py [--url http://127.0.0.1:3000] [--transports websocket]

Default transports: long-polling, then the upgrade to WebSocket; --transports websocket
connects over WebSocket only. Drives until stopped (Ctrl+C or SIGTERM: exit 0). Exits 1 at
once on no connection, a second pickup of the same order, or an exception in a handler (a
server that sends more arguments than were emitted makes `on_pickup(payload)` raise
TypeError).
"""

import argparse
import signal
import sys
import threading

import socketio

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument('--url', default='http://127.0.0.1:3000')
parser.add_argument('--namespace', default='/caps')
parser.add_argument('--transports', help='comma-separated; default: polling, then upgrade')
options = parser.parse_args()
sys.stdout.reconfigure(line_buffering=True)

NSP = options.namespace

sio = socketio.Client(reconnection=False)
lock = threading.Lock()
picked = set()
failures = []
finished = threading.Event()


def fail(message):
    with lock:
        failures.append(message)
    finished.set()


# python-socketio runs each handler on a thread of its own: an exception there would only be
# printed, and the order silently lost.
threading.excepthook = lambda hook: fail(f'{hook.exc_type.__name__} in a handler: {hook.exc_value}')
stop = []
signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
signal.signal(signal.SIGINT, lambda *_: stop.append(True))


@sio.on('connect', namespace=NSP)
def on_connect():
    print(f'DRIVER: connected as {sio.get_sid(NSP)}')


@sio.on('pickup', namespace=NSP)
def on_pickup(payload):
    order_id = payload.get('orderID') if isinstance(payload, dict) else None
    with lock:
        again = order_id in picked
        picked.add(order_id)
    if again:
        fail(f'{order_id} was offered twice')
        return
    print(f'DRIVER: picked up {order_id}')
    sio.emit('in-transit', payload, namespace=NSP)
    print(f'DRIVER: delivered {order_id}')
    sio.emit('delivered', payload, namespace=NSP)


@sio.on('disconnect', namespace=NSP)
def on_disconnect():
    print('DRIVER: disconnected')
    finished.set()


def main():
    transports = options.transports.split(',') if options.transports else None
    try:
        sio.connect(options.url, namespaces=[NSP], transports=transports, wait_timeout=10)
    except socketio.exceptions.ConnectionError as error:
        print(f'DRIVER: FAIL cannot connect: {error}')
        return 1
    # A session opened by long-polling is offered the upgrade; a WebSocket-only one is not.
    upgraded = ', upgraded from polling' if 'websocket' in sio.eio.upgrades else ''
    print(f'DRIVER: transport {sio.transport()}{upgraded}')
    # A signal handler must not take the lock that `finished` may be holding in this very
    # thread, so the stop request is a plain flag, looked at between short waits.
    while not stop and not finished.wait(0.2):
        pass
    still_connected = sio.connected
    sio.disconnect()
    with lock:
        if failures:
            print(f'DRIVER: FAIL {failures[0]}')
            return 1
        count = len(picked)
    if not still_connected:
        print('DRIVER: FAIL the hub closed the connection')
        return 1
    print(f'DRIVER: stopped after {count} orders')
    return 0


sys.exit(main())
