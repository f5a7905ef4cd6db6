"""Every error type the fake raises answers a message of its own, in Stytch's style: no generic
fallback, no two types sharing one (a test that reads ``error_message`` can tell them apart).

Each ``ApiError(status, "type")`` in the fake's source must name a type of the table; a type
passed along (the validation helpers raise what their callers name) meets the constructor, which
refuses a type the table lacks, so the fake's route tests would answer a 500 for it.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

import stytch_discovery.testing
from stytch_discovery.testing.app import fault_reply
from stytch_discovery.testing.errors import MESSAGES, ApiError
from stytch_discovery.testing.faults import FaultRule

PACKAGE = Path(stytch_discovery.testing.__file__).parent


def literal_error_types() -> set[str]:
    """The error types the fake's ``ApiError(...)`` calls name literally."""
    found: set[str] = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "ApiError"
                and len(node.args) > 1
            ):
                argument = node.args[1]
                if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                    found.add(argument.value)
    return found


LITERAL = literal_error_types()


def test_the_scan_finds_the_fakes_error_types() -> None:
    assert {"totp_not_found", "invalid_phone_number", "magic_link_not_found"} <= LITERAL
    assert len(LITERAL) > 60


@pytest.mark.parametrize("error_type", sorted(LITERAL))
def test_each_error_type_the_fake_raises_has_its_own_message(error_type: str) -> None:
    assert error_type in MESSAGES
    assert ApiError(400, error_type).message == MESSAGES[error_type]


def test_a_type_without_a_message_is_refused_not_answered_with_a_generic_one() -> None:
    with pytest.raises(KeyError, match="no_such_error_type"):
        ApiError(400, "no_such_error_type")
    with pytest.raises(KeyError, match="no_such_error_type"):
        ApiError(400, "no_such_error_type", "Even with a message of its own.")


def test_no_two_error_types_share_a_message() -> None:
    by_message: dict[str, list[str]] = {}
    for error_type, message in MESSAGES.items():
        by_message.setdefault(message, []).append(error_type)
    assert {message: types for message, types in by_message.items() if len(types) > 1} == {}


@pytest.mark.parametrize("error_type", sorted(MESSAGES))
def test_each_message_is_a_sentence_and_not_generic(error_type: str) -> None:
    message = MESSAGES[error_type]
    assert message.endswith("."), message
    assert "error occurred" not in message.lower()


@pytest.mark.parametrize(
    ("error_type", "message"),
    [
        (
            "sso_connection_organization_mismatch",
            "sso_connection_organization_mismatch",
        ),  # not the fake's own
        ("magic_link_not_found", MESSAGES["magic_link_not_found"]),
    ],
)
def test_a_fault_without_a_message_answers_its_types_own(error_type: str, message: str) -> None:
    answer = json.loads(fault_reply(FaultRule(path="/v1/x", status=400, error_type=error_type)).body)
    assert answer["error_type"] == error_type
    assert message in answer["error_message"]
