"""Sending the copies: email through the council's SMTP server, the print pack for post, review invitations, sent dates.

``send_copies`` (``docgen send``) emails every ``email`` and ``secure_email`` copy not yet sent, exactly
once; ``build_print_pack`` makes ``print-pack.pdf``; ``record_sent`` (``docgen sent``) records a copy
posted or handed over. Message building (``build_message``) is pure and apart from delivery (``Mailer``).
The ``[email]`` settings they take are read by ``docgen.settings.sending``.
"""

from docgen.pdf.print_pack import build_print_pack
from docgen.send.batch import SendResult, SendRun, send_copies
from docgen.send.delivery import Mailer, MailServerError
from docgen.send.emailed_copies import Copy, copies_of_meeting
from docgen.send.message import build_message
from docgen.send.sent_dates import record_sent

__all__ = [
    "Copy",
    "MailServerError",
    "Mailer",
    "SendResult",
    "SendRun",
    "build_message",
    "build_print_pack",
    "copies_of_meeting",
    "record_sent",
    "send_copies",
]
