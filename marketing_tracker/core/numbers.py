"""Digits as people type them and numbers as messages show them.

Chinese input methods type full-width digits and signs (``６０％``, ``２０２４／５／１``); the date
parser and the cell coercers read them through the one table here. Numbers come back into
words in two places, for two purposes, so there are two renderings:

- :func:`as_understood` says what a typed value was read as (a ``normalized`` finding's
  "understood as 60"): it rounds to 6 decimals first, because the reading itself makes float
  noise (``0.6 * 100`` is ``60.00000000000001``) that the person never typed.
- :func:`as_found` says which value broke a rule and what the rule allows (``out-of-range``,
  ``status-mismatch``): no rounding, so that ``-0.0000001`` is never shown as ``0`` beside
  "allowed: >= 0".

Both show whole numbers without a decimal point (``60``, not ``60.0``) and others with ``:g``.
"""

from __future__ import annotations

#: Full-width digits and the signs typed with them -> ASCII, for ``str.translate``.
FULLWIDTH = str.maketrans("０１２３４５６７８９．，－％＋／", "0123456789.,-%+/")


def as_understood(value: float) -> str:
    """A value read from a cell, as a finding says it was understood: ``60.00000000000001`` -> ``60``."""
    rounded = round(value, 6)
    return str(int(rounded)) if float(rounded).is_integer() else f"{rounded:g}"


def as_found(value: float) -> str:
    """A value (or a bound) as a finding shows it, unrounded: ``150.0`` -> ``150``, ``0.5`` -> ``0.5``."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
