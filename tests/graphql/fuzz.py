"""Hypothesis strategies for random but schema-valid GraphQL operations, from introspection.

hypothesis-graphql needs graphql-core 3, so this is a small equivalent for graphene 2. It reads
only the introspection result, so new queries and mutations are fuzzed as soon as the schema
lists them. An operation picks root fields, argument values of the declared types (nasty
strings, edge integers, global IDs good and bad, enum members, input objects) passed either as
literals or as typed variables, and sub-selections down to ``max_depth``.

With ``hostile=True`` one operation in four may also carry values that validation or the strict
input checks must catch (32-bit overflow, NUL characters, unpaired surrogates): the server must
refuse them cleanly, never fail. The other three reach the resolvers.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

from saleor_loyalty.graphql.core.ids import to_global_id

NASTY_STRINGS = [
    "",
    " ",
    "null",
    "undefined",
    "0",
    "-1",
    "1e309",
    "NaN",
    "' OR 1=1 --",
    "\"; DROP TABLE loyalty_account; --",
    "%s%s%s%n",
    "{{7*7}}",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "Zalgo: Z̸̡̛a̴l̷g̶o̵",
    "RTL: \u202ehello",
    "emoji: 🎉👩‍👩‍👧",
    "x" * 300,
    "line\nbreak\ttab\r",
    "VXNlcjox",
]
HOSTILE_STRINGS = ["nul\x00byte", "lone \ud800 surrogate", "\udfff"]
# Every bound of saleor_loyalty.engine.bounds, on and just past it, besides the 32-bit edges.
EDGE_INTS = [0, 1, -1, 2, 99, 100, 101, 1000, 10**6, 36_500, 36_501, 2**31 - 1, -(2**31)]
EDGE_DECIMALS = [
    "0", "-0.001", "0.0001", "100", "100.0001", "10000", "10000.0001", "999999999999.999", "1000000000000",
    "1000000000000.001", "1e20", "1e308", "-1e308", "1E-30", "NaN", "Infinity",
]
HOSTILE_INTS = [2**31, -(2**31) - 1, 2**53, 2**63, 10**30]

# Types whose IDs an API like ours receives, Saleor's and our own.
ID_TYPES = ["User", "ProductVariant", "Product", "Category", "CustomerType", "Checkout", "Order"]
ID_TYPES += ["LoyaltyTier", "LoyaltyRule", "LoyaltyAccount", "LoyaltyReferral", "LoyaltyCompany", "LoyaltyPriceList"]
ID_TYPES += ["LoyaltyCompanyInvitation", "LoyaltyGiftRule", "LoyaltyEarnRule", "Nonsense"]


@dataclass(frozen=True)
class EnumValue:
    """An enum member: bare in a literal, its name as a string in a variable."""

    name: str


@dataclass
class Fuzzer:
    """Draws operations for one schema; ``known_ids`` are global IDs of rows that exist."""

    introspection: dict[str, Any]
    known_ids: list[str] = field(default_factory=list)
    hostile: bool = True
    max_depth: int = 5

    def __post_init__(self) -> None:
        self._hostile_now = self.hostile
        schema = self.introspection["__schema"]
        self.types = {type_["name"]: type_ for type_ in schema["types"]}
        self.roots = {
            "query": schema["queryType"]["name"],
            "mutation": (schema.get("mutationType") or {}).get("name"),
        }

    # --- operations ---

    def operations(self) -> st.SearchStrategy[tuple[str, dict[str, Any]]]:
        """``(document, variables)`` pairs: a query, or a mutation when the schema has one."""
        kinds = [kind for kind, name in self.roots.items() if name]
        return st.sampled_from(kinds).flatmap(self.operation)

    def operation(self, kind: str, root_field: str | None = None) -> st.SearchStrategy[tuple[str, dict[str, Any]]]:
        """Operations of ``kind``; with ``root_field``, each one selects that root field only."""
        return st.composite(lambda draw: self._draw_operation(draw, kind, root_field))()

    def root_fields(self) -> list[tuple[str, str]]:
        """``(kind, field name)`` for every query and mutation, in schema order."""
        return [
            (kind, field_["name"])
            for kind, name in self.roots.items()
            if name
            for field_ in self.types[name]["fields"]
        ]

    def _draw_operation(self, draw: Any, kind: str, root_field: str | None = None) -> tuple[str, dict[str, Any]]:
        # One hostile value stops the whole operation at the door, so hostility is per operation.
        self._hostile_now = self.hostile and draw(st.integers(0, 3)) == 0
        root = self.types[self.roots[kind]]
        if root_field is None:
            fields = draw(st.lists(st.sampled_from(root["fields"]), min_size=1, max_size=3))
        else:
            fields = [next(f for f in root["fields"] if f["name"] == root_field)]
        variables: dict[str, tuple[str, Any]] = {}
        selections = [self._selection(draw, f, alias=f"r{i}", depth=1, variables=variables) for i, f in enumerate(fields)]
        definitions = ", ".join(f"${name}: {type_}" for name, (type_, _) in variables.items())
        header = f"{kind} ({definitions})" if definitions else kind
        document = f"{header} {{ {' '.join(selections)} }}"
        return document, {name: _to_json(value) for name, (_, value) in variables.items()}

    def _selection(self, draw: Any, field_: dict[str, Any], *, alias: str, depth: int, variables: dict[str, Any]) -> str:
        args = []
        for arg in field_["args"]:
            required = arg["type"]["kind"] == "NON_NULL" and arg.get("defaultValue") is None
            if required or draw(st.booleans()):
                value = draw(self.values(arg["type"]))
                # graphql-core 2 predates null literals: a null goes in a variable.
                if value is not None and draw(st.booleans()):
                    args.append(f"{arg['name']}: {_to_literal(value)}")
                else:
                    name = f"v{len(variables)}"
                    variables[name] = (_type_string(arg["type"]), value)
                    args.append(f"{arg['name']}: ${name}")
        arguments = f"({', '.join(args)})" if args else ""
        return f"{alias}: {field_['name']}{arguments}{self._sub_selection(draw, field_['type'], depth, variables)}"

    def _sub_selection(self, draw: Any, type_ref: dict[str, Any], depth: int, variables: dict[str, Any]) -> str:
        named = self.types[_named(type_ref)]
        if named["kind"] in {"SCALAR", "ENUM"}:
            return ""
        if named["kind"] in {"INTERFACE", "UNION"}:
            fragments = [
                f"... on {possible['name']} {self._sub_selection(draw, {'kind': 'OBJECT', 'name': possible['name']}, depth, variables)}"
                for possible in named["possibleTypes"]
            ]
            return f"{{ __typename {' '.join(fragments)} }}"
        candidates = named["fields"]
        if depth >= self.max_depth:  # stay within limits: leaves only
            candidates = [f for f in candidates if self.types[_named(f["type"])]["kind"] in {"SCALAR", "ENUM"}]
        if not candidates:
            return "{ __typename }"
        chosen = draw(st.lists(st.sampled_from(candidates), min_size=1, max_size=4))
        inner = [
            self._selection(draw, f, alias=f"f{i}", depth=depth + 1, variables=variables) for i, f in enumerate(chosen)
        ]
        return f"{{ {' '.join(inner)} }}"

    # --- values ---

    def values(self, type_ref: dict[str, Any], *, nullable: bool = True) -> st.SearchStrategy[Any]:
        if type_ref["kind"] == "NON_NULL":
            return self.values(type_ref["ofType"], nullable=False)
        if type_ref["kind"] == "LIST":
            inner = st.lists(st.deferred(lambda: self.values(type_ref["ofType"])), max_size=3)
        else:
            inner = self._named_values(self.types[type_ref["name"]])
        return st.one_of(st.none(), inner) if nullable else inner

    def _named_values(self, type_: dict[str, Any]) -> st.SearchStrategy[Any]:
        if type_["kind"] == "ENUM":
            return st.sampled_from([EnumValue(value["name"]) for value in type_["enumValues"]])
        if type_["kind"] == "INPUT_OBJECT":
            return st.composite(lambda draw: self._draw_input_object(draw, type_))()
        return self._scalar_values(type_["name"])

    def _draw_input_object(self, draw: Any, type_: dict[str, Any]) -> dict[str, Any]:
        value = {}
        for input_field in type_["inputFields"]:
            required = input_field["type"]["kind"] == "NON_NULL" and input_field.get("defaultValue") is None
            if required or draw(st.booleans()):
                value[input_field["name"]] = draw(self.values(input_field["type"]))
        return value

    def _sometimes_hostile(self, fair: st.SearchStrategy[Any], hostile: list[Any]) -> st.SearchStrategy[Any]:
        """``fair`` values, mixed with ``hostile`` ones in a hostile operation."""
        return st.one_of(fair, st.sampled_from(hostile)) if self._hostile_now else fair

    def _scalar_values(self, name: str) -> st.SearchStrategy[Any]:
        # Fair text leaves out what the strict input checks refuse (HOSTILE_STRINGS covers it).
        fair_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=50)
        strings = self._sometimes_hostile(st.one_of(st.sampled_from(NASTY_STRINGS), fair_text), HOSTILE_STRINGS)
        if name == "Int":
            ints = st.one_of(st.sampled_from(EDGE_INTS), st.integers(-(2**31), 2**31 - 1))
            return self._sometimes_hostile(ints, HOSTILE_INTS)
        if name == "Float":
            return st.floats(allow_nan=False, allow_infinity=False, width=64)
        if name == "Boolean":
            return st.booleans()
        if name == "ID":
            return st.one_of(self.global_ids(), self.global_ids(), strings)
        if name in {"DateTime", "Date"}:
            return st.one_of(st.datetimes().map(lambda d: d.isoformat()), strings)
        if name in {"Decimal", "PositiveDecimal"}:
            decimals = st.decimals(allow_nan=False, allow_infinity=False, places=4).map(str)
            return st.one_of(decimals, st.sampled_from(EDGE_DECIMALS), strings)
        return strings  # String, UUID, JSON and the like

    def global_ids(self) -> st.SearchStrategy[str]:
        """IDs of rows that exist, of rows that do not, of the wrong type, and broken ones."""
        pks = st.one_of(
            st.sampled_from(["1", "2", "0", "-1", "9" * 20, "abc", "1.5"]),
            st.integers(1, 10**6).map(str),
            st.uuids().map(str),
        )
        forged = st.builds(to_global_id, st.sampled_from(ID_TYPES), pks)
        broken = st.sampled_from(["", "=", "VXNlcg==", "not base64 at all", "VXNlcjo=", to_global_id("User", "")])
        if not self.known_ids:
            return st.one_of(forged, broken)
        # Half the time a row that exists, so that operations get past "not found".
        return st.one_of(st.sampled_from(self.known_ids), st.one_of(forged, broken))


def _named(type_ref: dict[str, Any]) -> str:
    while type_ref.get("ofType"):
        type_ref = type_ref["ofType"]
    return type_ref["name"]  # type: ignore[no-any-return]


def _type_string(type_ref: dict[str, Any]) -> str:
    if type_ref["kind"] == "NON_NULL":
        return f"{_type_string(type_ref['ofType'])}!"
    if type_ref["kind"] == "LIST":
        return f"[{_type_string(type_ref['ofType'])}]"
    return type_ref["name"]  # type: ignore[no-any-return]


def _to_literal(value: Any) -> str:
    """The GraphQL literal of ``value``; nulls inside lists and objects are left out (see above)."""
    if isinstance(value, EnumValue):
        return value.name
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # JSON's string escapes are GraphQL's
    if isinstance(value, list):
        return f"[{', '.join(_to_literal(item) for item in value if item is not None)}]"
    if isinstance(value, dict):
        pairs = [f"{key}: {_to_literal(item)}" for key, item in value.items() if item is not None]
        return "{" + ", ".join(pairs) + "}"
    if isinstance(value, uuid.UUID):
        return json.dumps(str(value))
    raise TypeError(f"no literal for {value!r}")


def _to_json(value: Any) -> Any:
    if isinstance(value, EnumValue):
        return value.name
    if isinstance(value, list):
        return [_to_json(item) for item in value]
    if isinstance(value, dict):
        return {key: _to_json(item) for key, item in value.items()}
    return value
