"""`homeward demo-data OUT_DIR --seed N [--today D] [--summary]`: write the made-up demo county."""

import argparse
from datetime import date, datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from homeward.exchange.demo_county import LONDON, generate, summarise, write_bundle


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"'{value}' is not a date. Use YYYY-MM-DD.") from error


class Command(BaseCommand):
    help = (
        "Write a data bundle for a made-up county shaped on Oxfordshire's published figures "
        "(council 931), from 2018 up to today. Every child in it is made up."
    )

    def add_arguments(self, parser):
        parser.add_argument("out_dir", type=Path, help="folder to write the bundle's CSV files to")
        parser.add_argument("--seed", type=int, default=931, help="random seed (default 931)")
        parser.add_argument(
            "--today", type=_day, default=None, help="pin 'today' (YYYY-MM-DD); default: today"
        )
        parser.add_argument(
            "--summary", action="store_true", help="print the bundle's own yearly figures"
        )

    def handle(self, *args, out_dir: Path, seed: int, today: date | None, summary: bool, **options):
        # Unpinned, "now" is the clock, so nothing is generated in the future and the
        # bundle imports at once; pinned, it is noon that day, so runs repeat byte for byte.
        now = None if today else datetime.now(LONDON)
        today = today or now.date()
        if today < date(2018, 1, 2):
            raise CommandError("The demo county starts on 1 January 2018: pick a later --today.")
        bundle = generate(seed, today, now)
        write_bundle(bundle, out_dir)
        counts = ", ".join(f"{len(rows)} {name}" for name, rows in bundle.files.items())
        self.stdout.write(
            f"Wrote the demo county (seed {seed}, today {today}) to {out_dir}: {counts}."
        )
        self.stdout.write("Every child, carer, worker and provider in it is made up.")
        if summary:
            self.stdout.write(summarise(out_dir, today, now))
