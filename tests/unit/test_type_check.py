"""The type check's own plugin: a PynamoDB attribute declared nullable reads as optional, so mypy
sees the None an absent attribute reads as (PynamoDB's own types say it is always there)."""

from pathlib import Path

from mypy import api

ROOT = Path(__file__).resolve().parents[2]

MODEL = """
from pynamodb.attributes import MapAttribute, NumberAttribute, UnicodeAttribute, UnicodeSetAttribute
from pynamodb.models import Model


class Address(MapAttribute):
    street = UnicodeAttribute()
    flat = UnicodeAttribute(null=True)


class Base(Model):
    pk = UnicodeAttribute(hash_key=True)
    note = UnicodeAttribute(null=True)


class Item(Base):
    name = UnicodeAttribute()
    count = NumberAttribute(null=False)
    nickname = UnicodeAttribute(null=True)
    tags = UnicodeSetAttribute()
    address = Address(null=True)
"""


def _check(tmp_path: Path, body: str) -> list[str]:
    source = tmp_path / "snippet.py"
    source.write_text(MODEL + body)
    # the project's cache: `make test` has just checked the tree, so only the snippet is analysed
    out, err, _ = api.run(
        ["--config-file", str(ROOT / "pyproject.toml"), "--cache-dir", str(ROOT / ".mypy_cache"), str(source)]
    )
    assert not err, err
    return [line.split(": ", 1)[1] for line in out.splitlines() if ": note: Revealed type is" in line]


def test_a_nullable_attribute_reads_as_optional(tmp_path: Path) -> None:
    revealed = _check(
        tmp_path,
        """
def read(item: Item, address: Address) -> None:
    reveal_type(item.name)
    reveal_type(item.count)
    reveal_type(item.nickname)
    reveal_type(item.note)
    reveal_type(item.tags)
    reveal_type(item.address)
    reveal_type(address.flat)
    reveal_type(address.street)
    reveal_type(Item.nickname)
""",
    )
    assert revealed == [
        'note: Revealed type is "str"',
        'note: Revealed type is "float"',
        'note: Revealed type is "str | None"',
        'note: Revealed type is "str | None"',  # declared on the base class
        'note: Revealed type is "set[str] | None"',  # a set attribute is nullable unless told otherwise
        'note: Revealed type is "snippet.Address | None"',
        'note: Revealed type is "str | None"',
        'note: Revealed type is "str"',
        'note: Revealed type is "pynamodb.attributes.UnicodeAttribute"',  # for conditions and updates
    ]
