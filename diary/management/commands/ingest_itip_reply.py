from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from diary.itip import ingest_reply_message


class Command(BaseCommand):
    help = "Apply the calendar replies (iTIP METHOD:REPLY) in a raw email message, read from a file or stdin."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path",
            nargs="?",
            help="a file holding one RFC 822 message; stdin when omitted",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        raw = Path(options["path"]).read_bytes() if options["path"] else sys.stdin.buffer.read()
        outcomes = ingest_reply_message(raw)
        if not outcomes:
            self.stdout.write("No calendar reply found in the message.")
        for outcome in outcomes:
            # No address: when a mail pipe runs this, its output ends up in logs.
            self.stdout.write(f"{outcome.outcome}: {outcome.uid}")
