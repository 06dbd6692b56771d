"""Access-matrix entries for the outbox and the development outbox: administrators only."""

from __future__ import annotations

from types import SimpleNamespace

from outbox.models import KeptEmail, OutboxMessage, OutboxStatus
from outbox.services import enqueue_email
from tests.access import Entry, signed_in


def setup(world: SimpleNamespace) -> None:
    world.dead_message = enqueue_email(
        to=["someone@example.gov.uk"],
        template="notice",
        context={"subject": "s", "body": "b"},
        idempotency_key="matrix:dead",
    )
    OutboxMessage.objects.filter(pk=world.dead_message.pk).update(status=OutboxStatus.DEAD, attempts=6)
    world.kept_email = KeptEmail.objects.create(subject="Kept", from_email="k@example.gov.uk", to=["a@b.c"], raw="")


ENTRIES = [
    Entry("outbox:outbox_list", expect=signed_in(404, ada=200)),
    Entry("outbox:outbox_detail", kwargs=lambda w: {"pk": w.dead_message.pk}, expect=signed_in(404, ada=200)),
    Entry(
        "outbox:outbox_retry", kwargs=lambda w: {"pk": w.dead_message.pk}, method="POST", expect=signed_in(404, ada=302)
    ),
    Entry("outbox:outbox_retry_dead", method="POST", expect=signed_in(404, ada=302)),
    # Only in demo mode or DEBUG; the matrix runs with production-shaped settings.
    Entry("outbox:development_outbox", expect=signed_in(404)),
    Entry("outbox:development_outbox_detail", kwargs=lambda w: {"pk": w.kept_email.pk}, expect=signed_in(404)),
]
