"""``ASCIIJSONRenderer``: orjson's speed where it writes DRF's bytes, DRF's rendering everywhere else.

The reference is the renderer as it was before orjson: DRF's ``JSONRenderer`` with
``ensure_ascii``. Every case compares bytes, or the exception when DRF refuses the data.
"""

from __future__ import annotations

import datetime
import decimal
import enum
import json
import uuid
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import orjson
import pytest
from django.utils.translation import gettext_lazy
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from rest_framework import serializers
from rest_framework.exceptions import ErrorDetail
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIClient
from rest_framework.utils.serializer_helpers import ReturnDict, ReturnList

from stytch_discovery.internal.http.drf import ASCIIJSONRenderer
from stytch_discovery.testing import FakeStytch
from tests.helpers.api import EMAIL, ist_cookie, post, url
from tests.testapp.models import User

DRF_RENDER = JSONRenderer.render
SERIALIZER: serializers.BaseSerializer[Any] = serializers.Serializer()  # what ReturnDict points back to


class Reference(JSONRenderer):
    ensure_ascii = True
    render = DRF_RENDER  # its own: what refuses DRF's rendering below leaves it alone


def outcome(render: Callable[[], bytes]) -> tuple[str, Any]:
    try:
        return "bytes", render()
    except Exception as error:  # the same refusal, with the same message
        return type(error).__name__, str(error)


def assert_same(data: Any, media_type: str | None = "application/json", context: Any = None) -> None:
    ours = outcome(lambda: ASCIIJSONRenderer().render(data, media_type, context))
    reference = outcome(lambda: Reference().render(data, media_type, context))
    assert ours == reference


@pytest.fixture
def without_drf(monkeypatch: pytest.MonkeyPatch) -> None:
    """DRF's own rendering refused to the renderer: what it still renders went through orjson."""

    def refuse(renderer: JSONRenderer, *args: Any, **kwargs: Any) -> bytes:
        if isinstance(renderer, ASCIIJSONRenderer):
            raise AssertionError("rendered by DRF")
        return DRF_RENDER(renderer, *args, **kwargs)  # the test client's own request bodies

    monkeypatch.setattr(JSONRenderer, "render", refuse)


def test_plain_answers_do_not_go_through_drf(without_drf: None) -> None:
    data = {"organizations": [{"name": "Zürich • 東京 😀", "active": True, "hint": None, "count": 3}]}

    rendered = ASCIIJSONRenderer().render(data, "application/json", {})

    assert rendered == (
        b'{"organizations":[{"name":"Z\\u00fcrich \\u2022 \\u6771\\u4eac \\ud83d\\ude00",'
        b'"active":true,"hint":null,"count":3}]}'
    )


@pytest.mark.parametrize(
    "data",
    [
        [1.5],
        {"nan": float("nan")},
        datetime.datetime(2025, 6, 1, tzinfo=datetime.timezone.utc),
        ReturnDict({"a": 1}, serializer=SERIALIZER),
        [ErrorDetail("bad", code="invalid")],
        "\ud800",
        2**64,
        {1: "int key"},
    ],
    ids=["float", "nan", "datetime", "ReturnDict", "ErrorDetail", "lone surrogate", "big int", "int key"],
)
def test_what_orjson_would_write_otherwise_goes_to_drf(without_drf: None, data: Any) -> None:
    with pytest.raises(AssertionError, match="rendered by DRF"):
        ASCIIJSONRenderer().render(data, "application/json", {})


# Characters where an encoder could differ: every control character, DEL, the quote and the
# backslash (escaped by both), '/' (escaped by neither), the line and paragraph separators DRF
# escapes, Latin-1, BMP, astral characters (surrogate pairs) and lone surrogates.
SPECIAL = [chr(code) for code in range(0x20)] + [
    *'\x7f"\\/ ÿ\x80\xa0\u00e9\u0100\u2028\u2029\ufeff\uffff\U0001f600\U0010ffff\ud800\udfff',
]

texts = st.text(st.sampled_from(SPECIAL) | st.characters(codec=None, exclude_categories=()), max_size=12)
plain_leaves = st.none() | st.booleans() | st.integers(-(2**63), 2**64 - 1) | texts
leaves = (
    plain_leaves
    | st.integers()
    | st.floats()
    | st.sampled_from([1e16, 1e-7, 1e-5, -0.0, 1e22, 5e-324, 1.7976931348623157e308, 2.0**53])
)
keys = texts | st.integers() | st.booleans() | st.none() | st.floats()


def documents(
    leaf: st.SearchStrategy[Any], key: st.SearchStrategy[Any], *, tuples: bool = True
) -> st.SearchStrategy[Any]:
    def containers(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        plain = st.lists(children, max_size=5) | st.dictionaries(key, children, max_size=5)
        return plain | st.tuples(children, children) if tuples else plain

    return st.recursive(leaf, containers, max_leaves=30)


@settings(max_examples=400, deadline=None)
@given(documents(leaves, keys))
def test_any_json_like_value_renders_as_drf_renders_it(data: Any) -> None:
    assert_same(data)


@settings(max_examples=300, deadline=None)
@given(documents(plain_leaves, texts, tuples=False))
def test_plain_values_render_as_drf_renders_them_without_drf(data: Any) -> None:
    assume(data is not None)  # no body: DRF's answer
    assume(not any(has_surrogate(text) for text in all_texts(data)))  # orjson refuses them
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(JSONRenderer, "render", None)  # not called: no TypeError
        rendered = ASCIIJSONRenderer().render(data, "application/json", {})

    assert rendered == Reference().render(data, "application/json", {})


def has_surrogate(text: str) -> bool:
    return any(0xD800 <= ord(character) <= 0xDFFF for character in text)


def all_texts(data: Any) -> list[str]:
    """Every string in ``data``, keys included."""
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [*data, *(text for value in data.values() for text in all_texts(value))]
    if isinstance(data, (list, tuple)):
        return [text for value in data for text in all_texts(value)]
    return []


class Colour(enum.Enum):
    RED = 1


class Level(enum.IntEnum):
    HIGH = 2


class Plain:
    pass


def cycle() -> list[Any]:
    looped: list[Any] = []
    looped.append(looped)
    return looped


def nested(depth: int) -> Any:
    value: Any = "bottom"
    for _ in range(depth):
        value = [value]
    return value


EDGE_CASES = {
    "None is no body": None,
    "escapes": {"\b\f\n\r\t": '\x00\x01\x1f"\\/\x7f'},
    "DEL next to non-ASCII": "\x7fé\x7f",
    "separators": ["\u2028", "\u2029", "a\u2028b"],
    "non-ASCII beside escapes": ['é"é', "é\\é", "é\né", "\\\\é", 'a\\"é', "é\\"],
    "astral": "\U0001f600x\U00010000",
    "floats": [1e16, 1e-7, 1e-5, -0.0, 0.1, 1e22, 2.0**53, 5e-324, 1.7976931348623157e308],
    "nan": [float("nan")],
    "infinity": {"x": float("inf")},
    "minus infinity": -float("inf"),
    "64 bits": [2**63 - 1, -(2**63), 2**64 - 1],
    "beyond 64 bits": [2**64, -(2**63) - 1, 10**30],
    "non-str keys": {2: "a", False: "b", None: "c", 1.5: "d", float("nan"): "e"},
    "lone surrogate": {"name": "\ud800"},
    "lone surrogate key": {"\udfff": 1},
    "empty containers": [[], {}, "", [[]], {"a": {}}],
    "tuple": ("a", ("é", 1)),
    "Decimal": {"amount": decimal.Decimal("1.10")},
    "datetime": [
        datetime.datetime(2025, 6, 1, 12, 0, 0, 5, tzinfo=datetime.timezone.utc),
        datetime.datetime(2025, 6, 1, 12),
        datetime.date(2025, 6, 1),
        datetime.time(12, 30),
        datetime.timedelta(hours=1),
    ],
    "aware time": datetime.time(12, tzinfo=datetime.timezone.utc),
    "UUID": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "lazy string": {"detail": gettext_lazy("Not found.")},
    "ReturnDict": ReturnDict({"é": [ErrorDetail("bad é", code="invalid")]}, serializer=SERIALIZER),
    "ReturnList": ReturnList([{"a": 1}], serializer=SERIALIZER),
    "ErrorDetail": ErrorDetail("This field is required.", code="required"),
    "OrderedDict moved": OrderedDict([("a", 1), ("b", 2)]),
    "enum": [Colour.RED],
    "int enum": {"level": Level.HIGH},
    "object": Plain(),
    "bytes": b"raw",
    "set": {1, 2},
    "fragment": orjson.Fragment(b"[1]"),
    "cycle": cycle(),
    "deep": nested(300),
    "key order": {"b": 1, "a": 2},
}
EDGE_CASES["OrderedDict moved"].move_to_end("a")


@pytest.mark.parametrize("data", list(EDGE_CASES.values()), ids=list(EDGE_CASES))
def test_edge_cases_render_as_drf_renders_them(data: Any) -> None:
    assert_same(data)


@pytest.mark.parametrize(
    ("media_type", "context"),
    [
        ("application/json; indent=4", {}),
        ("application/json; indent=0", {}),
        ("application/json; indent=x", {"indent": 2}),
        ("application/json", {"indent": 2}),
        (None, {"indent": 3}),
        (None, None),
        ("", {}),
    ],
)
def test_indent_from_the_media_type_or_the_context_is_drf_s(media_type: str | None, context: Any) -> None:
    assert_same({"a": ["é", 1, {"b": None}]}, media_type, context)


def test_a_project_without_compact_json_gets_drf_s_spaces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(JSONRenderer, "compact", False)

    assert ASCIIJSONRenderer().render({"a": [1, 2]}, "application/json", {}) == b'{"a": [1, 2]}'
    assert_same({"a": [1, "é"]})


NAMES = ["Zürich • Øre 😀", 'Acme "R&D" \\ /', "Line\u2028Break\x7f"]


def test_the_list_and_cached_answers_are_drf_s_bytes_without_drf(
    api: APIClient, fake_stytch: FakeStytch, without_drf: None
) -> None:
    fake_stytch.seed(
        {
            "organizations": [
                {"organization_slug": f"org-{number}", "organization_name": name}
                for number, name in enumerate(NAMES)
            ],
            "members": [
                {"organization_slug": f"org-{number}", "email_address": EMAIL} for number in range(3)
            ],
        }
    )
    api.force_login(User.objects.create(username="ada", email=EMAIL))
    ist_cookie(api, fake_stytch)

    listed = post(api, "discovery/organizations")
    cached = api.get(url("discovery/organizations/cached"))

    for response, rows in [(listed, "discovered_organizations"), (cached, "organizations")]:
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        data = json.loads(response.content)
        names = {
            row.get("organization_name") or row["organization"]["organization_name"] for row in data[rows]
        }
        assert names == set(NAMES)
        assert response.content == Reference().render(data, "application/json", {})
