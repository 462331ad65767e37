"""acupress serve: the web app, on this computer (or, when asked, on the network)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from acupress.cli import pass_app
from acupress.errors import AcupressError
from acupress.options import Command

if TYPE_CHECKING:
    from acupress.app import App

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def an_address(_ctx: click.Context, _param: click.Parameter, host: str) -> str:
    if not host.strip():
        raise click.BadParameter(
            "an empty address would listen on every network interface: give one, such as "
            "127.0.0.1 (this computer only)."
        )
    return host


def a_number(_ctx: click.Context, _param: click.Parameter, speed: float) -> float:
    import math

    if math.isnan(speed):  # FloatRange lets NaN through: it compares false with both ends
        raise click.BadParameter("nan is not a number: give one from 0.1 to 1000.")
    return speed


@click.command(cls=Command)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    callback=an_address,
    help="Address to listen on.",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8321,
    show_default=True,
    help="Port to listen on (0: any free port).",
)
@click.option(
    "--speed",
    type=click.FloatRange(0.1, 1000),
    default=1.0,
    callback=a_number,
    help="Run sessions N times faster.",
)
@pass_app
def serve(app: App, host: str, port: int, speed: float) -> None:
    """The web app: the whole routine in your browser, served from this computer. Ctrl-C
    (or the system's stop signal) stops it; sessions still running keep their steps.

    \b
    Example:
        acupress serve
        acupress serve --port 0 --speed 60
    """
    import signal
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP, so the server turns Nagle's algorithm off: without it every answer
    # on a kept-alive connection waits for the browser's delayed acknowledgement (~40 ms).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as e:
        sock.close()
        if e.errno == 98:
            raise AcupressError(
                f"Port {port} is already in use: choose another with --port (0 picks a free one)."
            ) from None
        raise AcupressError(f"Cannot listen on {host}:{port} ({e.strerror}).") from None
    sock.listen(2048)  # from the moment the address is shown, connections wait their turn
    bound = sock.getsockname()[1]
    import uvicorn

    from acupress.web.app import create_app
    from acupress.web.context import Options

    local = host in LOOPBACK
    hosts = Options().allowed_hosts if local else ("*",)
    web = create_app(Options(speed=speed, allowed_hosts=hosts, now=app.clock))
    config = uvicorn.Config(web, log_level="warning", access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    # The server takes Ctrl-C and SIGTERM as a graceful stop, and raises the signal again
    # once it has stopped; before it starts, and after, the signal goes to the same stop,
    # so stopping is a normal end rather than an interruption (or a signal lost).
    stops = (signal.SIGINT, signal.SIGTERM)
    before = {s: signal.signal(s, server.handle_exit) for s in stops}
    try:
        address = f"[{host}]" if ":" in host else host
        click.echo(f"acupress is running at http://{address}:{bound}/ (Ctrl-C to stop)")
        if not local:
            click.echo("It listens beyond this computer: anyone on your network can open it.")
        if speed != 1:
            click.echo(f"Sessions run {speed:g} times faster than real time.")
        server.run(sockets=[sock])
    finally:
        sock.close()
        for s, handler in before.items():
            signal.signal(s, handler)
    click.echo("acupress stopped.")
