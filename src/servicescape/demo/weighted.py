"""Weighted draws at the cost of one ``random()`` call (``random.choices`` is several times slower)."""

from __future__ import annotations

import random
from collections.abc import Iterable
from functools import reduce
from math import gcd
from typing import Generic, TypeVar

T = TypeVar("T")


class Weighted(Generic[T]):
    """Items with integer weights, laid out in a table: ``draw`` picks one in proportion."""

    def __init__(self, pairs: Iterable[tuple[T, int]]) -> None:
        pairs = [(item, weight) for item, weight in pairs if weight > 0]
        if not pairs:
            raise ValueError("nothing to draw from")
        step = reduce(gcd, (weight for _, weight in pairs))
        self.items: tuple[T, ...] = tuple(item for item, weight in pairs
                                          for _ in range(weight // step))
        self._size = len(self.items)

    def draw(self, rng: random.Random) -> T:
        return self.items[int(rng.random() * self._size)]

    def __len__(self) -> int:
        return self._size
