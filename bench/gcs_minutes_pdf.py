"""Benchmark: the minutes PDF of a 10-family GCS session with 5 actions each.

Renders exactly what the render task renders (core.pdf + the minutes
template, from an approved snapshot), without a database. Prints the time
per render (first, median, best of N), the page count and the size.

    DEBUG=1 .venv/bin/python bench/gcs_minutes_pdf.py [runs]
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import statistics
import sys
import time
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "1")

import django

django.setup()
logging.getLogger("weasyprint").setLevel(logging.WARNING)
logging.getLogger("fontTools").setLevel(logging.WARNING)

from pypdf import PdfReader  # noqa: E402

from core.pdf import render_pdf  # noqa: E402
from supervision.models import MinutesSection  # noqa: E402

PARAGRAPH = (
    "The social worker summarised the last month; the adult mental health worker and the domestic abuse "
    "specialist updated on their work with the parents. The chair asked what this means for the child: school "
    "report a more settled child, but attendance dips after contact weekends and the child told the teacher "
    "they worry about mum. "
)


def snapshot(families: int = 10, actions: int = 5) -> dict[str, object]:
    start = dt.datetime(2026, 3, 3, 9, 30, tzinfo=dt.UTC)
    people = [{"name": f"Person {n}", "discipline": "Social worker"} for n in range(9)]
    return {
        "group": "GCS – Family Safeguarding Team 1",
        "team": "Family Safeguarding Team 1",
        "start": start.isoformat(),
        "end": (start + dt.timedelta(hours=3)).isoformat(),
        "location": "Civic Centre, Room 2.14",
        "present": people,
        "apologies": people[:2],
        "items": [
            {
                "case_reference": f"FS-2026-{n:04d}",
                "presenter": "Priya Shah",
                "sections": [
                    {"key": key, "label": label, "text": PARAGRAPH * (3 if key == "discussion" else 1)}
                    for key, label in MinutesSection.choices
                ],
                "actions": [
                    {
                        "description": f"Action {a}: meet the school's safeguarding lead",
                        "owner": "Priya Shah",
                        "due_on": "2026-03-17",
                    }
                    for a in range(actions)
                ],
            }
            for n in range(families)
        ],
    }


def render_once(data: dict[str, object]) -> bytes:
    version = SimpleNamespace(
        number=1, reason="", approved_by=SimpleNamespace(full_name="Helen Carter"), approved_at=dt.datetime.now(dt.UTC)
    )
    return render_pdf(
        template="supervision/pdf/minutes.html",
        context={"snapshot": data, "version": version, "when": "Tuesday 3 March 2026, 09:30"},
        title="Group Case Supervision minutes",
        running_header="Group Case Supervision – GCS – Family Safeguarding Team 1 – Tuesday 3 March 2026, 09:30",
    )


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    data = snapshot()
    timings = []
    pdf = b""
    for _ in range(runs):
        started = time.perf_counter()
        pdf = render_once(data)
        timings.append(time.perf_counter() - started)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    print("GCS minutes PDF: 10 families x 6 sections, 5 actions each")
    print(f"  runs: {runs}")
    print(f"  first render (incl. weasyprint import and font loading): {timings[0]:.2f} s")
    warm = timings[1:] or timings
    print(f"  warm renders: median {statistics.median(warm):.2f} s, best {min(warm):.2f} s, worst {max(warm):.2f} s")
    print(f"  pages: {pages}, size: {len(pdf) / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
