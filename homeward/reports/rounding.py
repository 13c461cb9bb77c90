"""How every percentage a person sees is rounded: one rule, for the home page, the report,
its findings and its downloads.

A percentage is counted to one decimal place, rounding a half up (66.65 is 66.7), from the
exact fraction, so it does not depend on how a computer stores 2 / 3. It is shown to the
nearest whole percent, again rounding a half up, from that one-decimal figure: anyone can
check a shown "67%" against the 66.7 in the report's JSON.
"""

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

ONE_PLACE = Decimal("0.1")
WHOLE = Decimal("1")


def percentage(n: int, of: int) -> float | None:
    """`n` out of `of` as a percentage to one decimal place, or None when `of` is 0."""
    if not of:
        return None
    return float(_half_up(Fraction(100 * n, of), ONE_PLACE))


def whole_percent(value: float) -> str:
    """A one-decimal percentage as shown in words and tables: "67%"."""
    return f"{Decimal(str(value)).quantize(WHOLE, rounding=ROUND_HALF_UP)}%"


def _half_up(value: Fraction, places: Decimal) -> Decimal:
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(places, rounding=ROUND_HALF_UP)
