"""Running the web app: listening rules (loopback, or TLS, or a trusted sign-on proxy) and uvicorn as the server."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path

from docgen.errors import ConfigError
from docgen.settings import is_loopback
from docgen.settings.web import WebSettings, load_web_settings
from docgen.web.slow_clients import MAX_HEAD_BYTES, protocol_with_head_deadline

__all__ = ["check_listening", "run"]


def check_listening(host: str, settings: WebSettings) -> None:
    """Refuses an address other machines can reach unless the server speaks TLS or sits behind the trusted proxy."""
    if not is_loopback(host) and not settings.tls and not settings.trusted_proxy:
        raise ConfigError(
            f"docgen serve will not listen on {host} without encryption: set [web] tls_cert and tls_key in docgen.toml, "
            "or trusted_proxy for the council's sign-on proxy, or listen on 127.0.0.1."
        )


def _server_class() -> type:
    import uvicorn

    class Server(uvicorn.Server):
        """uvicorn's server, except that a stop signal ends it with exit code 0 (DESIGN.md) instead of being raised again."""

        @contextlib.contextmanager
        def capture_signals(self) -> Iterator[None]:
            with super().capture_signals():
                yield
                self._captured_signals.clear()

    return Server


def run(root: Path, host: str, port: int) -> None:
    """Serves until SIGINT or SIGTERM."""
    import uvicorn

    from docgen.ledger import Ledger
    from docgen.ledger.details import fill_in_from_sources
    from docgen.ledger.distribution_lists import sync_sent_dates
    from docgen.ledger.rebuild import rebuild_if_lost
    from docgen.web.app import create_app
    from docgen.web.figures import keep_warm

    settings = load_web_settings(root)
    check_listening(host, settings)
    if rebuild_if_lost(root) is not None:
        print("docgen web app: the ledger was missing: made again from the root's files", file=sys.stderr, flush=True)
    with Ledger.open(root) as ledger:  # sent dates typed into distribution.xlsx, and details old manifests lack
        fill_in_from_sources(root, ledger)
        sync_sent_dates(root, ledger)
    app = create_app(root, settings)
    keep_warm(app.state.web.ledger)
    scheme = "https" if settings.tls else "http"
    print(f"docgen web app: {scheme}://{host}:{port}/ (Ctrl+C stops it)", file=sys.stderr, flush=True)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        ssl_certfile=str(root / settings.tls_cert) if settings.tls else None,
        ssl_keyfile=str(root / settings.tls_key) if settings.tls else None,
        proxy_headers=False,  # the connecting address is the one the audit log and the proxy check trust
        server_header=False,
        access_log=False,  # URLs name cases: what was viewed goes to the audit log, not the journal
        log_level="warning",
        timeout_graceful_shutdown=10,
        # slow or greedy clients: uvicorn's own limits, and a deadline for each request head (docgen.web.slow_clients)
        http=protocol_with_head_deadline(settings.request_head_seconds),
        timeout_keep_alive=5,
        limit_concurrency=settings.max_connections,
        h11_max_incomplete_event_size=MAX_HEAD_BYTES,
    )
    _server_class()(config).run()
