"""A local URL where nothing listens, for code that downloads: connections are refused at once,
so no test waits on the network or reaches the internet."""

import socket


def closed_port_url(path: str = "/") -> str:
    """http://127.0.0.1:<a port just freed>/<path>."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"
