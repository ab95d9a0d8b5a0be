"""Showing pence to people."""

from __future__ import annotations


def gbp(pence: int) -> str:
    """``gbp(53_000_000)`` is ``'£530,000.00'``."""
    sign = "-" if pence < 0 else ""
    pounds, rest = divmod(abs(pence), 100)
    return f"{sign}£{pounds:,}.{rest:02d}"
