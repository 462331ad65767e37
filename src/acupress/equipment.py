"""What a session needs: items (required, recommended or optional) and example products
with their price ranges, loaded and validated from ``content/equipment.toml``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from acupress import contentfile
from acupress.atlas import CONTENT

Need = Literal["required", "recommended", "optional"]
NEEDS: tuple[Need, ...] = ("required", "recommended", "optional")


@dataclass(frozen=True, kw_only=True, repr=False)
class Item:
    id: str
    name: str
    need: Need
    purpose: str


@dataclass(frozen=True, kw_only=True, repr=False)
class Product:
    """An example product; its description is the maker's claim, shown as such."""

    name: str
    kind: str  # the item it is an example of, or another kind of extra
    claim: str
    best_for: str
    price_min: int
    price_max: int
    caution: str = ""


@dataclass(frozen=True, kw_only=True, repr=False)
class Equipment:
    item: tuple[Item, ...]
    product: tuple[Product, ...] = ()

    @property
    def items(self) -> tuple[Item, ...]:
        return self.item

    @property
    def products(self) -> tuple[Product, ...]:
        return self.product

    def products_for(self, item_id: str) -> tuple[Product, ...]:
        return tuple(p for p in self.product if p.kind == item_id)

    @property
    def extras(self) -> tuple[Product, ...]:
        """Products that are examples of no listed item (such as ear seeds)."""
        ids = {i.id for i in self.item}
        return tuple(p for p in self.product if p.kind not in ids)


def load(path: Path = CONTENT / "equipment.toml") -> Equipment:
    return contentfile.load(path, Equipment, check)


@cache
def default() -> Equipment:
    return load()


def check(equipment: Equipment, path: Path) -> None:
    seen: set[str] = set()
    for i, item in enumerate(equipment.item):
        if item.id in seen:
            raise contentfile.located_error(
                path, f"item {item.id} (#{i + 1})", "id", "is used twice"
            )
        seen.add(item.id)
    for i, p in enumerate(equipment.product):
        if not 0 <= p.price_min <= p.price_max:
            raise contentfile.located_error(
                path, f"product #{i + 1}", "price_max", "must be at least price_min"
            )
