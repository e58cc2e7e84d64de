"""A mypy plugin that gives PynamoDB's nullable attributes an optional type.

PynamoDB 6 types an attribute's value as its declared type (``UnicodeAttribute`` reads as ``str``)
whether or not the attribute was declared with ``null=True``, so mypy cannot see the ``None`` that
an absent attribute reads as. This plugin records, for every model and map attribute class, the
attributes declared nullable (``null=True``, or a set or version attribute, which PynamoDB leaves
nullable by default) and types reading one on an instance as ``T | None``. Reading the attribute
on the class (``Client.phone.exists()``, a condition) keeps the attribute's own type.

The maintainers' plugin (pynamodb-mypy) did this and more, but it reaches into mypy internals that
mypy 2 changed; this one uses only the public plugin hooks.
"""

from __future__ import annotations

from collections.abc import Callable

from mypy.nodes import AssignmentStmt, CallExpr, NameExpr, RefExpr, TypeInfo
from mypy.plugin import AttributeContext, ClassDefContext, Plugin
from mypy.types import NoneType, Type, UnionType

_CONTAINERS = ("pynamodb.models.Model", "pynamodb.attributes.MapAttribute")
_NULLABLE_BY_DEFAULT = {
    "pynamodb.attributes.BinarySetAttribute",
    "pynamodb.attributes.NumberSetAttribute",
    "pynamodb.attributes.UnicodeSetAttribute",
    "pynamodb.attributes.VersionAttribute",
}
_ATTRIBUTE = "pynamodb.attributes.Attribute"
_KEY = "pynamodb_nullable"


def _nullable(call: CallExpr) -> bool | None:
    """Whether an attribute declaration is nullable; None when the call is not an attribute's."""
    callee = call.callee
    if not isinstance(callee, RefExpr) or not isinstance(callee.node, TypeInfo):
        return None
    info = callee.node
    if not info.has_base(_ATTRIBUTE):
        return None
    for name, value in zip(call.arg_names, call.args, strict=True):
        if name == "null":
            return isinstance(value, NameExpr) and value.fullname == "builtins.True"
    return any(base.fullname in _NULLABLE_BY_DEFAULT for base in info.mro)


def _record_nullable(ctx: ClassDefContext) -> None:
    names = []
    for statement in ctx.cls.defs.body:
        if (
            isinstance(statement, AssignmentStmt)
            and len(statement.lvalues) == 1
            and isinstance(statement.lvalues[0], NameExpr)
            and isinstance(statement.rvalue, CallExpr)
            and _nullable(statement.rvalue)
        ):
            names.append(statement.lvalues[0].name)
    ctx.cls.info.metadata[_KEY] = {"names": names}


def _optional(ctx: AttributeContext) -> Type:
    return UnionType.make_union([ctx.default_attr_type, NoneType()])


class PynamoDBPlugin(Plugin):
    def get_base_class_hook(self, fullname: str) -> Callable[[ClassDefContext], None] | None:
        # called with each direct base of a class being defined
        symbol = self.lookup_fully_qualified(fullname)
        if symbol is None or not isinstance(symbol.node, TypeInfo):
            return None
        return _record_nullable if any(base.fullname in _CONTAINERS for base in symbol.node.mro) else None

    def get_attribute_hook(self, fullname: str) -> Callable[[AttributeContext], Type] | None:
        class_name, _, attribute = fullname.rpartition(".")
        symbol = self.lookup_fully_qualified(class_name)
        if symbol is None or not isinstance(symbol.node, TypeInfo):
            return None
        if attribute in symbol.node.metadata.get(_KEY, {}).get("names", ()):
            return _optional
        return None


def plugin(version: str) -> type[Plugin]:
    return PynamoDBPlugin
