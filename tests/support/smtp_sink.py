#!/usr/bin/python3
"""A real SMTP server for tests (Debian's python3-aiosmtpd): every message it receives is
written whole to DIR/<n>.eml (written to a temporary name, then renamed, so a reader never
sees half a message). It listens on 127.0.0.1 on a free port and prints "PORT <n>" once it
accepts connections; SIGTERM or SIGINT stop it.

    /usr/bin/python3 tests/support/smtp_sink.py DIR [--delay-ms N]

--delay-ms answers each message N ms late, as a relay across a network does (the
benchmark's `sending` scenario); tests leave it at 0.

While a file DIR/hold exists, each message is held before it is answered (a relay that
stalls): the sink marks each held one with DIR/.held-<n> and removes the mark once the hold
file is gone and the message is answered.
"""
import asyncio
import itertools
import os
import signal
import socket
import sys

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, directory, delay_s=0.0):
        self.directory = directory
        self.delay_s = delay_s
        self.counter = itertools.count(1)
        self.holds = itertools.count(1)

    async def handle_DATA(self, server, session, envelope):
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        if os.path.exists(os.path.join(self.directory, "hold")):
            mark = os.path.join(self.directory, f".held-{next(self.holds)}")
            open(mark, "w").close()
            while os.path.exists(os.path.join(self.directory, "hold")):
                await asyncio.sleep(0.02)
            os.remove(mark)
        n = next(self.counter)
        tmp = os.path.join(self.directory, f".{n}.tmp")
        with open(tmp, "wb") as f:
            f.write(b"X-Envelope-To: " + ",".join(envelope.rcpt_tos).encode() + b"\r\n")
            f.write(envelope.original_content)
        os.rename(tmp, os.path.join(self.directory, f"{n}.eml"))
        return "250 OK"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    directory = sys.argv[1]
    delay_ms = int(sys.argv[3]) if len(sys.argv) > 3 and sys.argv[2] == "--delay-ms" else 0
    os.makedirs(directory, exist_ok=True)
    # Blocked before the server's threads start, so only sigwait below receives them.
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    controller = Controller(Sink(directory, delay_ms / 1000.0), hostname="127.0.0.1", port=free_port())
    controller.start()
    print(f"PORT {controller.port}", flush=True)
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    controller.stop()


if __name__ == "__main__":
    main()
