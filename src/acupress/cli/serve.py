"""acupress serve: the web app, on this computer (or, when asked, on the network)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from acupress.cli import pass_app
from acupress.errors import AcupressError
from acupress.options import Command, Number, Refused, Whole

if TYPE_CHECKING:
    from acupress.app import App

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def an_address(ctx: click.Context, param: click.Parameter, host: str) -> str:
    if not host.strip():
        raise Refused(
            "--host cannot be empty: an empty address would listen on every network "
            "interface. Give one, such as 127.0.0.1 (this computer only).",
            ctx,
            param,
        )
    return host


def a_count(text: str | None) -> int:
    if text is None:
        return 1
    if not text.isdigit() or not 1 <= int(text) <= 64:
        raise AcupressError(f"ACUPRESS_WORKERS must be a whole number from 1 to 64, not '{text}'.")
    return int(text)


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
    type=Whole(0, 65535),
    default=8321,
    show_default=True,
    help="Port to listen on, 0 to 65535 (0: any free port).",
)
@click.option(
    "--speed",
    type=Number(0.1, 1000),
    default=1.0,
    help="Run sessions N times faster (0.1 to 1000).",
)
@click.option(
    "--accounts",
    is_flag=True,
    help="The server mode: everyone signs in to their own account (see acupress accounts); "
    "ACUPRESS_ACCOUNTS does the same.",
)
@click.option(
    "--workers",
    type=Whole(1, 64),
    help="How many processes answer requests, 1 to 64 (default: ACUPRESS_WORKERS, else 1).",
)
@pass_app
def serve(
    app: App, host: str, port: int, speed: float, accounts: bool, workers: int | None
) -> None:
    """The web app: the whole routine in your browser, served from this computer. Ctrl-C
    (or the system's stop signal) stops it; sessions still running keep their steps.

    \b
    Example:
        acupress serve
        acupress serve --port 0 --speed 60
        acupress serve --accounts --host 0.0.0.0 --workers 4
    """
    import signal
    import socket

    from acupress import settings

    if accounts:
        settings.put("accounts", "on")
    accounts = settings.given("accounts") is not None
    workers = workers or a_count(settings.given("workers"))
    local = host in LOOPBACK
    if not local and not accounts:
        # With no sign-in, whoever reaches the app reads and changes the journal.
        raise AcupressError(
            f"Without --accounts acupress listens on this computer only, not on {host}: "
            "anyone on the network could read your journal. Serve others with --accounts, "
            "where everyone signs in."
        )

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
    from acupress.web.context import served_options

    options = served_options(local=local, speed=speed, now=app.clock)

    # X-Forwarded-* are the app's to read (trusted_proxies), not uvicorn's.
    def config_of(app: object, **more: object) -> uvicorn.Config:
        return uvicorn.Config(
            app,  # type: ignore[arg-type]
            log_level="warning",
            access_log=False,
            lifespan="on",
            proxy_headers=False,  # X-Forwarded-* are the app's to read: trusted_proxies
            **more,  # type: ignore[arg-type]
        )

    if workers > 1:
        import time

        settings.put("allowed_hosts", ",".join(options.allowed_hosts))
        settings.put("speed", f"{speed!r}")
        settings.put("speed_since", f"{time.time()!r}")  # every worker's faster time
        config = config_of("acupress.web.app:from_settings", factory=True, workers=workers)
    else:
        config = config_of(create_app(options))
    server = uvicorn.Server(config)
    # The server takes Ctrl-C and SIGTERM as a graceful stop, and raises the signal again
    # once it has stopped; before it starts, and after, the signal goes to the same stop,
    # so stopping is a normal end rather than an interruption (or a signal lost).
    stops = (signal.SIGINT, signal.SIGTERM)
    before = {s: signal.signal(s, server.handle_exit) for s in stops}
    try:
        address = f"[{host}]" if ":" in host else host
        click.echo(f"acupress is running at http://{address}:{bound}/ (Ctrl-C to stop)")
        if accounts:
            click.echo("Everyone signs in to their own account (acupress accounts adds them).")
        if speed != 1:
            click.echo(f"Sessions run {speed:g} times faster than real time.")
        if workers > 1:
            from uvicorn.supervisors import Multiprocess

            click.echo(f"{workers} workers answer requests.")
            Multiprocess(config, sockets=[sock]).run()
        else:
            server.run(sockets=[sock])
    finally:
        sock.close()
        for s, handler in before.items():
            signal.signal(s, handler)
    click.echo("acupress stopped.")
