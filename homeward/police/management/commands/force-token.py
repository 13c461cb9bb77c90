"""`homeward force-token add-force NAME --council CODE…`, `councils NAME --council CODE…`,
`issue NAME [--label TEXT]`, `rotate PREFIX`, `revoke PREFIX` and `list [NAME]`: the police
forces that may send notifications to the API, and their tokens. Run by the server's
operator; each change is audited, as made by nobody signed in."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from homeward.councils.installation import not_this_homeward
from homeward.councils.models import Council
from homeward.police.models import Force, ForceToken
from homeward.police.tokens import (
    force_create,
    force_token_issue,
    force_token_revoke,
    force_token_rotate,
    force_update,
)

SHOWN_ONCE = (
    "This token is shown once, here only: Homeward keeps only a fingerprint of it. Give it "
    "to the force by a secure route; its system sends it as: Authorization: Bearer <token>"
)
COLUMNS = ("force", "token", "label", "issued", "last used", "revoked")


class Command(BaseCommand):
    help = "Add police forces, choose their councils, and issue, rotate, revoke or list tokens."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="subcommand", required=True)
        add = actions.add_parser("add-force", help="Add a force and the councils it serves.")
        add.add_argument("name")
        add.add_argument("--council", action="append", default=[], metavar="CODE")
        councils = actions.add_parser(
            "councils", help="Set the councils a force sends notifications for."
        )
        councils.add_argument("name")
        councils.add_argument("--council", action="append", default=[], metavar="CODE")
        issue = actions.add_parser("issue", help="Issue a new token to a force (shown once).")
        issue.add_argument("name")
        issue.add_argument("--label", default="", help="What the token is for.")
        rotate = actions.add_parser(
            "rotate", help="Replace a token: the old one stops working at once."
        )
        rotate.add_argument("prefix")
        revoke = actions.add_parser("revoke", help="Stop a token working, at once.")
        revoke.add_argument("prefix")
        listing = actions.add_parser("list", help="List tokens: never their secrets.")
        listing.add_argument("name", nargs="?")

    def handle(self, subcommand, **options):
        try:
            getattr(self, subcommand.replace("-", "_"))(**options)
        except ValidationError as refused:
            raise CommandError(" ".join(refused.messages)) from None

    def add_force(self, name, council, **options):
        force = force_create(name=name, councils=_councils(council), by=None)
        self.stdout.write(f"Added {force.name}, for {_served(force)}.")
        self._not_here(force)

    def councils(self, name, council, **options):
        force = force_update(force=_force(name), councils=_councils(council), by=None)
        self.stdout.write(f"{force.name} now sends notifications for {_served(force)}.")
        self._not_here(force)

    def _not_here(self, force: Force) -> None:
        if warning := not_this_homeward(force.councils.all()):
            self.stderr.write(self.style.WARNING(warning))

    def issue(self, name, label, **options):
        issued = force_token_issue(force=_force(name), label=label, by=None)
        self._secret(issued, f"Issued token {issued.token.prefix} to {issued.token.force}.")

    def rotate(self, prefix, **options):
        issued = force_token_rotate(token=_token(prefix), by=None)
        said = f"Token {prefix} is revoked; {issued.token.prefix} replaces it."
        self._secret(issued, said)

    def revoke(self, prefix, **options):
        token = force_token_revoke(token=_token(prefix), by=None)
        self.stdout.write(f"Token {token.prefix} of {token.force} is revoked: it no longer works.")

    def list(self, name, **options):
        tokens = ForceToken.objects.select_related("force").order_by("force__name", "issued_at")
        if name:
            tokens = tokens.filter(force=_force(name))
        self.stdout.write("\t".join(COLUMNS))
        for token in tokens:
            row = (
                token.force.name,
                token.prefix,
                token.label,
                _at(token.issued_at),
                _at(token.last_used_at) or "never",
                _at(token.revoked_at) or "no",
            )
            self.stdout.write("\t".join(row))
        if not tokens:
            self.stdout.write("No token has been issued" + (f" to {name}." if name else "."))

    def _secret(self, issued, said: str) -> None:
        self.stdout.write(said)
        self.stdout.write(self.style.WARNING(SHOWN_ONCE))
        self.stdout.write(issued.secret)


def _force(name: str) -> Force:
    force = Force.objects.filter(name__iexact=" ".join(name.split())).first()
    if force is None:
        known = ", ".join(Force.objects.values_list("name", flat=True)) or "none yet"
        raise CommandError(f"There is no force called '{name}' (known: {known}).")
    return force


def _token(prefix: str) -> ForceToken:
    token = ForceToken.objects.select_related("force").filter(prefix=prefix[:16]).first()
    if token is None:
        raise CommandError(
            f"There is no token {prefix}. `homeward force-token list` shows each token's "
            "first characters."
        )
    return token


def _councils(codes: list[str]) -> list[Council]:
    found = list(Council.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {c.code for c in found})
    if unknown:
        raise CommandError(f"No council has the DfE code {', '.join(unknown)}: nothing was done.")
    return found


def _served(force: Force) -> str:
    return ", ".join(str(c) for c in force.councils.all()) or "no council (it can send nothing)"


def _at(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""
