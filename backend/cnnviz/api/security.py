"""The browser-facing defences: security headers on every answer, the Host check, CORS.

- Every response carries `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer` and a
  Content-Security-Policy: the page loads only its own scripts, styles and data (no CDN, no inline
  script or style attribute; images also from `data:` and `blob:` URLs, which canvases and
  drawings use) and may not be framed. `/docs` gets its own policy (see `cnnviz.api.docs`).
- The Host header must name this server (DNS rebinding: a page on a foreign name that re-resolves
  to 127.0.0.1 would otherwise reach the API as same-origin). Bound to a loopback address, the
  local names are allowed; bound to any other address, also the machine's own names and the
  addresses of its interfaces, so that students on the LAN get in; `allowed_hosts` adds more.
- CORS is off unless `cors_origins` lists origins, and then only for those.
"""

from __future__ import annotations

import ipaddress
import socket
import struct
from collections.abc import Iterable
from pathlib import Path

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cnnviz.settings import ALLOWED_HOSTS_ENV, Settings

PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS: list[tuple[bytes, bytes]] = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]"})


def install_security(app: FastAPI, settings: Settings, policies: dict[str, str]) -> None:
    """Wrap `app` (after every other middleware, so these run first): headers outermost, then
    the Host check, then CORS. `policies` maps exact paths to their own CSP."""
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["*"],
            allow_headers=["*"],
        )
    app.add_middleware(HostCheck, allowed=allowed_hosts(settings))
    app.add_middleware(SecurityHeaders, policies=policies)


class SecurityHeaders:
    """ASGI middleware: the security headers on every HTTP response, unless the app set them."""

    def __init__(self, app: ASGIApp, policies: dict[str, str]) -> None:
        self.app = app
        self.policies = {path: policy.encode() for path, policy in policies.items()}
        self.page_policy = PAGE_POLICY.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = self.policies.get(scope["path"], self.page_policy)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                extra = [*SECURITY_HEADERS, (b"content-security-policy", policy)]
                headers += [(name, value) for name, value in extra if name not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class HostCheck:
    """ASGI middleware: 400 with a JSON message for a Host header this server does not answer
    to (any port)."""

    def __init__(self, app: ASGIApp, allowed: frozenset[str]) -> None:
        self.app = app
        self.allowed = allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            host = _header(scope, b"host")
            if host_name(host) not in self.allowed:
                shown = host if len(host) <= 100 else host[:100] + "…"
                message = (
                    f"this server does not answer to the host name {shown!r} (a defence against "
                    f"DNS rebinding); open it by its address, or add the name to "
                    f"{ALLOWED_HOSTS_ENV} when starting it"
                )
                await JSONResponse({"detail": message}, status_code=400)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return ""


def host_name(value: str) -> str:
    """The name or address of a Host header or setting, without its port, in one spelling:
    lower case, no trailing dot, IPv6 in brackets (`[::1]`)."""
    value = value.strip().lower()
    if value.startswith("["):
        address, _, _ = value[1:].partition("]")
        return f"[{address}]"
    if value.count(":") > 1:  # a bare IPv6 address (a setting; a Host header has brackets)
        return f"[{value}]"
    name, _, _ = value.partition(":")
    return name.rstrip(".")


def allowed_hosts(settings: Settings) -> frozenset[str]:
    """The host names and addresses this server answers to (see the module docstring)."""
    names = set(LOCAL_HOSTS)
    if not _is_loopback(settings.listen_host):
        names.add(settings.listen_host)
        names.update(machine_names())
        names.update(interface_addresses())
    names.update(settings.allowed_hosts)
    return frozenset(host_name(name) for name in names)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def machine_names() -> set[str]:
    """This machine's host name and the names `/etc/hosts` gives it (its FQDN among them): read
    locally, without asking DNS."""
    hostname = socket.gethostname()
    names = {hostname}
    short = hostname.split(".")[0]
    for line in _read_lines(Path("/etc/hosts")):
        fields = line.split("#")[0].split()
        if any(field.split(".")[0] == short for field in fields[1:]):
            names.update(fields[1:])
    return names


def interface_addresses() -> set[str]:
    """The IPv4 and IPv6 addresses of this machine's network interfaces, from the kernel (Linux:
    one ioctl per interface and /proc/net/if_inet6; no packet is sent). Elsewhere: none, and
    `allowed_hosts` names them."""
    try:
        import fcntl
    except ImportError:  # Windows
        return set()
    addresses = set()
    siocgifaddr = 0x8915  # Linux <linux/sockios.h>: an interface's IPv4 address
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        for _, name in _interfaces():
            request = struct.pack("256s", name.encode()[:15])
            try:
                answer = fcntl.ioctl(sock.fileno(), siocgifaddr, request)
            except OSError:  # no IPv4 address, or not Linux
                continue
            addresses.add(socket.inet_ntoa(answer[20:24]))
    for line in _read_lines(Path("/proc/net/if_inet6")):
        digits = line.split()[0] if line.split() else ""
        if len(digits) == 32:
            addresses.add(str(ipaddress.IPv6Address(bytes.fromhex(digits))))
    return addresses


def _interfaces() -> Iterable[tuple[int, str]]:
    try:
        return socket.if_nameindex()
    except OSError:
        return []


def _read_lines(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
