"""`homeward load-dfe --missing FILE [--neighbours FILE --model-year YEAR] [--population FILE]`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from homeward.benchmarks.loading import ReleaseRejected, load_release


class Command(BaseCommand):
    help = (
        "Load a newer DfE release of the published comparators (docs/benchmarks.md): files of "
        "the same shape as those shipped in homeward/benchmarks/data/. All of it or nothing; "
        "the years (and neighbour model) it covers replace those already loaded."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--missing", type=Path, help="DfE looked-after children who went missing, by council"
        )
        parser.add_argument("--neighbours", type=Path, help="DfE statistical-neighbour model")
        parser.add_argument("--model-year", type=int, help="the neighbour model's year (e.g. 2025)")
        parser.add_argument("--population", type=Path, help="ONS population aged 0-17")

    def handle(self, *args, missing, neighbours, model_year, population, **options):
        if not (missing or neighbours or population):
            raise CommandError("Give at least one of --missing, --neighbours or --population.")
        if model_year and not neighbours:
            raise CommandError("--model-year goes with --neighbours: give the model's file too.")
        try:
            counts = load_release(
                missing=missing, neighbours=neighbours, model_year=model_year, population=population
            )
        except ReleaseRejected as rejected:
            for problem in rejected.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"Nothing was loaded: {len(rejected.problems)} problem(s). Correct them and "
                "load the release again."
            ) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {counts['figures']} published figures, {counts['neighbours']} "
                f"statistical neighbours and {counts['population']} population estimates."
            )
        )
