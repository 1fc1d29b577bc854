"""The ports tests give their servers stay out of the kernel's ephemeral range.

A port from there can be taken by any outgoing connection as its local port before the
server binds it: CI saw `alloy serve` fail to start in the TLS docs example that way.
"""

from __future__ import annotations

import socket
from pathlib import Path

from tests.support import free_port


def test_free_ports_are_below_the_ephemeral_range_and_bindable():
    low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    ports = {free_port() for _ in range(50)}
    assert all(port < low for port in ports)
    assert len(ports) > 40  # random, not one port handed to every worker
    for port in list(ports)[:5]:
        with socket.socket() as s:
            s.bind(("127.0.0.1", port))
