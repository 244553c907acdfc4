"""Text handling every identifier shares: NFKC cleaning and weighted check sums."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable


def clean(value: str) -> str:
    """NFKC-normalize (full-width `４` → `4`) and remove all whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", value))


def weighted(text: str, weights: tuple[int, ...], value: Callable[[str], int]) -> int:
    """Σ value(char)·weight over `text`, which must be exactly as long as `weights`."""
    return sum(value(char) * weight for char, weight in zip(text, weights, strict=True))
