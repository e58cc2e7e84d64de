"""A barrier for processes, on loopback: each party connects and is let through once all have arrived.

Code under test that must be inside at the same moment as its peers (invocations in separate
execution environments) connects to ``port`` and reads one byte; it gets it only when ``parties``
connections are open, so none passes unless all run at once. A party waits at most ``timeout``.
"""

from __future__ import annotations

import socket
import threading


class Rendezvous:
    def __init__(self, parties: int, timeout: float = 30.0):
        self.parties = parties
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(timeout)
        self.port = self._server.getsockname()[1]
        self._thread = threading.Thread(target=self._gather, name="rendezvous", daemon=True)

    def __enter__(self) -> Rendezvous:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.close()
        self._thread.join(timeout=5)

    def _gather(self) -> None:
        arrived: list[socket.socket] = []
        try:
            while len(arrived) < self.parties:
                arrived.append(self._server.accept()[0])
            for party in arrived:
                party.sendall(b"!")
        except OSError:  # a party never came: the others time out and fail
            pass
        finally:
            for party in arrived:
                party.close()


# What a party runs (in the code under test): wait at the rendezvous on ``port``.
WAIT = """
def wait_for_peers(port):
    import socket
    with socket.create_connection(("127.0.0.1", int(port)), timeout=30) as peers:
        if peers.recv(1) != b"!":
            raise RuntimeError("the other parties never arrived")
"""
