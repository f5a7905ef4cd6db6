"""The schema of every request body is no looser than the server: each field's lengths, counts,
ranges, choices and requiredness say at least what its serializer field checks, and every string
the schema lets through (probed with values at and around each rule: blanks, trimming, control
characters, emails and URLs the server refuses) the field accepts.

A ``format`` is a hint that many validators skip, so it is not counted as a rule here: what the
server refuses, a ``pattern`` must refuse.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from rest_framework import serializers
from rest_framework.test import APIClient

from stytch_discovery.internal.http.fields import KeyedDictField, RequestSerializer
from stytch_discovery.magic_links.serializers import MagicLinkQuerySerializer
from stytch_discovery.oauth.serializers import OAuthCallbackQuerySerializer
from stytch_discovery.primary import serializers as primary
from tests.helpers.api import PREFIX, url

pytest.importorskip("drf_spectacular", reason="the OpenAPI extra is not installed")
jsonschema = pytest.importorskip("jsonschema", reason="drf-spectacular's own dependency")

Field = serializers.Field[Any, Any, Any, Any]


def ecma_to_python(pattern: str) -> str:
    """A schema's (ECMA-262) pattern for Python's ``re``: outside a character class, ECMA's ``$``
    ends the string, where Python's also matches before a final newline (``\\Z`` does not)."""
    out: list[str] = []
    in_class = escaped = False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        elif char == "$" and not in_class:
            char = r"\Z"
        out.append(char)
    return "".join(out)


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Iterator[Any]:
    if validator.is_type(instance, "string") and not re.search(ecma_to_python(pattern), instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


#: OpenAPI 3.0's schema objects are draft 4's, and ``format`` is not checked (no format checker).
Validator = jsonschema.validators.extend(jsonschema.Draft4Validator, {"pattern": _pattern})


def email_of_length(length: int) -> str:
    return "a" * (length - len("@acme.example")) + "@acme.example"


def url_of_length(length: int) -> str:
    return "https://acme.example/" + "a" * (length - len("https://acme.example/"))


#: Values around every rule a request string has; each field is also probed at its lengths.
PROBES = [
    # blanks, trimming, characters DRF or the fields refuse
    *("", " ", "  ", "\t", "\n", "\u00a0", "\u3000", "\ufeff", "\x1c", "\x85", "\u2028"),
    *(" a", "a ", "\ta\t", "a\n", "\na", " ab ", "a b", "a\tb", "a\nb"),
    *("\x00", "a\x00", "a\x00b", "a\x07b", "a\x7fb", "a\x9fb", "a\u202eb", "\u2066a", "a\u2069"),
    *("a", "A", "ab", "Acme Inc.", "\u00e9", "\u65e5\u672c", "\U0001f600", "a" * 44, "tok_" + "x" * 40),
    # codes, recovery codes, phone numbers
    *(
        "123456",
        "12345",
        "1234567",
        "123456\n",
        "\u0661\u0662\u0663\u0664\u0665\u0666",
        "\uff11\uff12\uff13\uff14\uff15\uff16",
    ),
    *("abcd-1234-efgh", "ABCD-1234-EFGH", "abcd-1234-efgh\n", "+14155550123", "+04155550123", "+1"),
    # slugs, ids, domains, role ids
    *("acme", "acme-corp", "a.b_c~d", "--", "..", "~~", "a|b", "role:admin", "organization-live-1"),
    *("acme.example", "ACME.example", "-acme.example", "acme-.example", "a.b", "localhost", "xn--80a.com"),
    # emails
    *("ada@acme.example", "ADA@ACME.EXAMPLE", "x@localhost", "x@y", "x@y.z", "x@y.co", "a@b@acme.example"),
    *("a..b@acme.example", ".a@acme.example", "a.@acme.example", '"a b"@acme.example', '"ada"@acme.example'),
    *("ada@[::1]", "ada@[127.0.0.1]", "ada@-acme.example", "ada@acme-.example", "ada@acme..example"),
    *("ada@acme.example.", "ada@acme.xn--p1ai", "\u00fcn\u00ef@acme.example", "ada@m\u00fcnchen.example"),
    *("ada@acme.exa mple", "ada @acme.example", "ada@acme.123", "ada@acme.e", " ada@acme.example"),
    *("ada@acme.example\n", "ada@acme.example\x00", "ada@acme.ex\u00e4mple", "ada@acme.ex-ample"),
    # URLs
    *("https://acme.example/logo.png", "http://acme.example", "HTTPS://acme.example", "ftp://acme.example/x"),
    *("javascript:alert(1)", "//acme.example/x", "https://", "https://localhost/x", "http://127.0.0.1/x"),
    *(
        "https://[::1]/x",
        "https://user:pw@acme.example/",
        "https://acme.example:8443/x",
        "https://acme.example:99999/",
    ),
    *(
        "https://acme.example/a b",
        "https://acme.example/\x85",
        "https://acme.example/\x00",
        "https://-acme.example/",
    ),
    *(
        "https://acme.example/\u00e9",
        "https://acme.example\n",
        "https://acme.example/\t",
        "https://acme.example/\x1c",
    ),
    *(
        "https://acme.example/?q=1#top",
        "https://acme.example#x",
        "https://acme.example/\ufeff",
        "https://acme/",
    ),
    "https://" + ("a" * 63 + ".") * 4 + "example/",  # a host over 253 characters
]


def probes_for(field: Field, schema: dict[str, Any]) -> list[str]:
    lengths = {
        n
        for limit in (getattr(field, "max_length", None), schema.get("maxLength"))
        if limit
        for n in (limit - 1, limit, limit + 1)
    }
    lengths |= {n for n in (schema.get("minLength", 0) - 1, schema.get("minLength", 0)) if n >= 0}
    sized = [
        value
        for n in lengths
        for value in ("a" * n, " " * n, "a" * (n - 1) + " ", email_of_length(n), url_of_length(n))
    ]
    return [*PROBES, *sized]


def accepts(field: Field, value: Any) -> bool:
    try:
        field.run_validation(value)
    except serializers.ValidationError:
        return False
    return True


@dataclass(frozen=True)
class Leaf:
    """One field of a request body next to its schema (``$ref`` resolved)."""

    where: str
    schema: dict[str, Any]
    field: Field


@dataclass(frozen=True)
class Body:
    name: str
    schema: dict[str, Any]
    serializer: serializers.Serializer[Any]


def load(api: APIClient) -> dict[str, Any]:
    response = api.get(url("schema"), {"format": "json"})
    assert response.status_code == 200
    schema: dict[str, Any] = response.json()
    return schema


def request_serializer_classes() -> dict[str, type[RequestSerializer]]:
    """Every request serializer by the component name spectacular gives its request shape."""
    found: dict[str, type[RequestSerializer]] = {}
    pending = [RequestSerializer]
    while pending:
        for subclass in pending.pop().__subclasses__():
            pending.append(subclass)
            found[subclass.__name__.removesuffix("Serializer") + "Request"] = subclass
    return found


class Walk:
    """The request bodies of the schema, and their fields, each with the serializer field it documents."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self.components: dict[str, Any] = schema["components"]["schemas"]
        self.classes = request_serializer_classes()
        top = {
            operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            for item in schema["paths"].values()
            for operation in item.values()
            if "requestBody" in operation
        }
        self.bodies: dict[str, Body] = {}
        for ref in sorted(top):
            self.body(ref)

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        ref = schema.get("$ref")
        return self.components[ref.rsplit("/", 1)[1]] if ref else schema

    def body(self, ref: str) -> Body:
        name = ref.rsplit("/", 1)[1]
        if name not in self.bodies:
            assert name in self.classes, f"{name}: no request serializer documents it"
            self.bodies[name] = Body(name, self.components[name], self.classes[name]())
        return self.bodies[name]

    def leaves(self) -> Iterator[Leaf]:
        for body in list(self.bodies.values()):
            for name, field in body.serializer.fields.items():
                yield from self.leaves_of(f"{body.name}.{name}", body.schema["properties"][name], field)

    def leaves_of(self, where: str, schema: dict[str, Any], field: Field) -> Iterator[Leaf]:
        if isinstance(field, serializers.BaseSerializer):
            nested = self.body(schema["$ref"])
            for name, child in nested.serializer.fields.items():
                yield from self.leaves_of(f"{where}.{name}", nested.schema["properties"][name], child)
            return
        resolved = self.resolve(schema)
        yield Leaf(where, resolved, field)
        if isinstance(field, serializers.ListField):
            yield from self.leaves_of(f"{where}[]", resolved["items"], field.child)
        elif isinstance(field, KeyedDictField):
            for key in field.keys:
                yield from self.leaves_of(f"{where}.{key}", resolved["properties"][key], field.child)


@pytest.fixture
def walk(api: APIClient) -> Walk:
    return Walk(load(api))


def test_every_request_body_is_a_request_serializer_with_the_same_fields(walk: Walk) -> None:
    assert len(walk.bodies) >= 12
    for body in walk.bodies.values():
        assert set(body.schema["properties"]) == set(body.serializer.fields), body.name
        required = {name for name, field in body.serializer.fields.items() if field.required}
        assert set(body.schema.get("required", [])) == required, body.name


def looser(leaf: Leaf) -> list[str]:
    """How ``leaf``'s schema lets through what its field refuses (empty: it does not)."""
    schema, field, found = leaf.schema, leaf.field, []

    def at_least(keyword: str, limit: Any) -> None:
        if limit and not (keyword in schema and schema[keyword] >= limit):
            found.append(f"{keyword} {schema.get(keyword)} where the server needs >= {limit}")

    def at_most(keyword: str, limit: Any) -> None:
        if limit is not None and not (keyword in schema and schema[keyword] <= limit):
            found.append(f"{keyword} {schema.get(keyword)} where the server needs <= {limit}")

    if isinstance(field, serializers.ChoiceField):
        if not set(schema.get("enum", [None])) <= set(field.choices):
            found.append(f"enum {schema.get('enum')} beyond {sorted(field.choices)}")
    elif isinstance(field, serializers.CharField):
        at_most("maxLength", field.max_length)
        at_least("minLength", field.min_length or (0 if field.allow_blank else 1))
        check = Validator(schema)
        found += [
            f"lets {value!r} through"
            for value in probes_for(field, schema)
            if check.is_valid(value) and not accepts(field, value)
        ]
    elif isinstance(field, serializers.IntegerField):
        at_least("minimum", field.min_value)
        at_most("maximum", field.max_value)
    elif isinstance(field, serializers.ListField):
        at_most("maxItems", field.max_length)
        at_least("minItems", field.min_length or (0 if field.allow_empty else 1))
    elif isinstance(field, KeyedDictField):
        if schema.get("additionalProperties") is not False or set(schema["properties"]) != set(field.keys):
            found.append(f"keys beyond {field.keys}")
    elif not isinstance(field, (serializers.BooleanField, serializers.DictField)):
        # A custom-claims object's 4 KB of JSON is a rule no JSON Schema keyword can say.
        found.append(f"{type(field).__name__} is not compared")
    return found


def test_no_request_field_is_looser_in_the_schema_than_on_the_server(walk: Walk) -> None:
    leaves = list(walk.leaves())
    assert len(leaves) >= 60

    problems = {leaf.where: found for leaf in leaves if (found := looser(leaf))}

    assert problems == {}


#: The query each view validates; ``next`` (where to land) is read as it comes, refused or not.
QUERIES: dict[str, type[serializers.Serializer[Any]]] = {
    "discovery/magic-links/authenticate": MagicLinkQuerySerializer,
    "discovery/oauth/authenticate": OAuthCallbackQuerySerializer,
    "primary/magic-links/authenticate": primary.MagicLinkQuerySerializer,
    "primary/sso/start": primary.SsoStartQuerySerializer,
    "primary/sso/authenticate": primary.SsoQuerySerializer,
    "primary/oauth/authenticate": primary.OAuthQuerySerializer,
}


def test_no_query_parameter_is_looser_in_the_schema_than_on_the_server(api: APIClient) -> None:
    documented = {
        (path.removeprefix(PREFIX), parameter["name"]): parameter
        for path, item in load(api)["paths"].items()
        for operation in item.values()
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "query" and parameter["name"] != "next"
    }
    fields = {
        (path, name): field for path, query in QUERIES.items() for name, field in query().fields.items()
    }
    assert set(documented) == set(fields)

    def problems_of(path: str, name: str, field: Field) -> list[str]:
        parameter = documented[path, name]
        required = [] if parameter.get("required", False) == field.required else ["required differs"]
        return required + looser(Leaf(name, parameter["schema"], field))

    problems = {
        f"{path}?{name}": found
        for (path, name), field in fields.items()
        if (found := problems_of(path, name, field))
    }

    assert problems == {}


def test_every_request_string_has_a_length_and_a_pattern_or_its_choices(walk: Walk) -> None:
    strings = [
        leaf for leaf in walk.leaves() if leaf.schema.get("type") == "string" and "enum" not in leaf.schema
    ]
    assert len(strings) >= 25

    assert [leaf.where for leaf in strings if not {"maxLength", "pattern"} <= set(leaf.schema)] == []


#: The known limits, as values: what the schema (and so the server) takes, what both refuse, and
#: what only the server takes (where its rule is beyond a readable pattern, the schema is stricter).
KNOWN = [
    (
        "SendMagicLinkRequestRequest.email_address",
        ["ada@acme.example", "O'Brien+news@mail.acme.co.uk", "ada@xn--mnchen-3ya.example"],
        ["x@localhost", "ada@acme", "a..b@acme.example", "ada@acme.exa mple", '"a b"@acme.example', ""],
        ["ada@[127.0.0.1]", '"ada"@acme.example', "ada@m\u00fcnchen.example", " ada@acme.example\n"],
    ),
    (
        "CreateOrganizationRequestRequest.organization_slug",
        ["acme", "acme-corp", "a.b_c~d"],
        ["a", "--", "acme corp", " acme", "a" * 129],
        [],
    ),
    (
        "CreateOrganizationRequestRequest.organization_name",
        ["Acme Inc.", "\u65e5\u672c\u682a\u5f0f\u4f1a\u793e", " Acme ", "a" * 128],
        ["", " ", "Acme\x00", "Ac\u202eme", "Acme\nInc.", "a" * 129],
        ["\tAcme\n"],
    ),
    (
        "CreateOrganizationRequestRequest.organization_logo_url",
        ["https://acme.example/logo.png", "http://cdn.acme.example:8080/a/b.png?v=1#top"],
        ["ftp://acme.example/x", "javascript:alert(1)", "https://acme.example/a b", "https://acme/x"],
        ["https://localhost/x", "https://127.0.0.1/x", "https://user@acme.example/", "HTTPS://acme.example"],
    ),
    (
        "ExchangeRequestRequest.intermediate_session_token",
        ["ist-test-" + "x" * 36],
        ["", "a b", "t\u00f6ken", "x" * 1025],
        [],
    ),
    ("CodeRequestRequest.code", ["123456"], ["12345", "1234567", "123456\n", "12345a"], []),
    ("CodeRequestRequest.telemetry_id", ["026ac93b-8cdf-4e96", " spaced "], ["", "a\x00b", "x" * 257], []),
    ("RecoveryCodeRequestRequest.recovery_code", ["ckss-2skx-ebow"], ["CKSS-2SKX-EBOW", "ckss2skxebow"], []),
    ("SendSmsRequestRequest.mfa_phone_number", ["+14155550123"], ["14155550123", "+0415555", "+1 415"], []),
]


@pytest.mark.parametrize(
    ("where", "taken", "refused", "server_only"), KNOWN, ids=[where for where, *_ in KNOWN]
)
def test_the_known_limits_are_the_schemas_and_the_servers(
    walk: Walk, where: str, taken: list[str], refused: list[str], server_only: list[str]
) -> None:
    (leaf,) = [leaf for leaf in walk.leaves() if leaf.where == where]
    check = Validator(leaf.schema)

    verdicts = {
        value: (check.is_valid(value), accepts(leaf.field, value)) for value in taken + refused + server_only
    }

    assert verdicts == {
        **dict.fromkeys(taken, (True, True)),
        **dict.fromkeys(refused, (False, False)),
        **dict.fromkeys(server_only, (False, True)),
    }
