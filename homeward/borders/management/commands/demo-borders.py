"""`homeward demo-borders [--seed N] [--out FILE]`: the demo county across council borders."""

from pathlib import Path

from homeward.borders.demo import demo_borders_create
from homeward.councils.demo_command import DemoCommand


class Command(DemoCommand):
    help = (
        "Demo only: a made-up contacts directory for every council, the placed-in register "
        "for most placed-in children (a few left off, so the flag shows), and the host "
        "councils' word for our placed-out children's episodes."
    )
    not_a_demo = (
        "This installation is not a demonstration (HOMEWARD_DEMO is not true), so demo-borders "
        "will not load made-up contacts and register entries. Use load-contacts and "
        "load-register."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--out",
            type=Path,
            default=Path("out/demo-register.csv"),
            help="where the register's CSV file is written before it is loaded",
        )

    def make(self, *, council, seed: int, out: Path, **options) -> list[str]:
        made = demo_borders_create(council=council, seed=seed, out=out)
        return [
            f"Contacts directory: {made.contacts}",
            f"Placed-in register (from {out}): {made.register}",
            f"{made.left_off} placed-in children who went missing were left off the register, "
            "so they are flagged ('Placed-in children nobody told us about'). "
            f"{made.elsewhere} episodes of our children placed out are marked as told by "
            "their host councils. Every child, person and address in it is made up.",
        ]
