"""A real SMTP server for the sending tests, run as its own process: aiosmtpd with STARTTLS and AUTH.

``python tests/send/smtp_server.py --spool DIR --cert C --key K --user U --password P [--reject ADDR]... [--defer ADDR]...``
prints ``PORT <n>`` once it listens on 127.0.0.1 (a free port). Each message it takes is written to
``DIR/<n>.eml`` with ``DIR/<n>.json`` ({mail_from, rcpt_tos, tls, auth, peer}: the client's address and port). ``--reject`` answers 552 at
RCPT for that address; ``--defer`` answers 451 the first time that address is given; ``--hang-up-at-rcpt``
closes the connection the first time that address is given; ``--hang-up-after-data`` keeps the first message
for that address and closes the connection instead of answering (the client cannot know it arrived).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import ssl
import sys
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session


class Spool:
    """Takes messages and writes them to the spool folder; refuses or defers the addresses it was told to."""

    def __init__(self, folder: Path, reject: set[str], defer: set[str], implicit_tls: bool = False) -> None:
        self.folder = folder
        self.implicit_tls = implicit_tls
        self.hang_up_at_rcpt: set[str] = set()
        self.hang_up_after_data: set[str] = set()
        self.reject = reject
        self.defer = defer
        self.deferred: set[str] = set()
        self.numbers = itertools.count(1)

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]) -> str:
        if address in self.reject:
            return "552 5.2.2 Mailbox full: the recipient's mailbox is over its quota"
        if address in self.hang_up_at_rcpt:
            self.hang_up_at_rcpt.discard(address)
            server.transport.close()  # type: ignore[union-attr]
            return "421 closing"
        if address in self.defer and address not in self.deferred:
            self.deferred.add(address)
            return "451 4.3.0 Please try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        number = next(self.numbers)
        content = envelope.original_content or b""
        temp = self.folder / f".{number}.tmp"
        temp.write_bytes(content)
        (self.folder / f"{number}.json").write_text(
            json.dumps(
                {
                    "mail_from": envelope.mail_from,
                    "rcpt_tos": envelope.rcpt_tos,
                    "tls": session.ssl is not None or self.implicit_tls,
                    "auth": session.authenticated,
                    "peer": list(session.peer) if isinstance(session.peer, tuple) else str(session.peer),
                }
            )
        )
        os.replace(temp, self.folder / f"{number}.eml")
        if self.hang_up_after_data & set(envelope.rcpt_tos):
            self.hang_up_after_data -= set(envelope.rcpt_tos)
            server.transport.close()  # type: ignore[union-attr]
        return "250 2.0.0 Message accepted for delivery"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--spool", type=Path, required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--user", default="cin-plans")
    parser.add_argument("--password", default="s3cret-pass")
    parser.add_argument("--reject", action="append", default=[])
    parser.add_argument("--defer", action="append", default=[])
    parser.add_argument("--hang-up-at-rcpt", action="append", default=[])
    parser.add_argument("--hang-up-after-data", action="append", default=[])
    parser.add_argument("--implicit-tls", action="store_true", help="TLS from the first byte (port 465 style) instead of STARTTLS")
    args = parser.parse_args()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(args.cert, args.key)
    handler = Spool(args.spool, set(args.reject), set(args.defer), args.implicit_tls)
    handler.hang_up_at_rcpt, handler.hang_up_after_data = set(args.hang_up_at_rcpt), set(args.hang_up_after_data)

    def authenticate(server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and data.login.decode() == args.user and data.password.decode() == args.password
        return AuthResult(success=ok, handled=False)  # unhandled: aiosmtpd itself answers 535 to a failure

    def factory() -> SMTP:
        if args.implicit_tls:
            return SMTP(handler, hostname="mail.test", authenticator=authenticate, auth_required=True, auth_require_tls=False)
        return SMTP(
            handler, hostname="mail.test", tls_context=context, require_starttls=True, authenticator=authenticate, auth_required=True
        )

    async def serve() -> None:
        server = await asyncio.get_running_loop().create_server(factory, "127.0.0.1", 0, ssl=context if args.implicit_tls else None)
        print(f"PORT {server.sockets[0].getsockname()[1]}", flush=True)
        async with server:
            await server.serve_forever()

    try:
        asyncio.run(serve())
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
