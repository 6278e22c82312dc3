"""The commerce_rules package: the installed wheel, every question, errors, threads."""

import concurrent.futures
import decimal
import json
import os
import pathlib
import re

import pytest

import commerce_rules
from commerce_rules import CommerceRulesError, Engine

from conftest import ROOT

SCENARIOS = sorted((ROOT / "core" / "tests" / "scenarios").glob("*/*.json"))


def cargo_version():
    text = (ROOT / "Cargo.toml").read_text(encoding="utf-8")
    section = text.split("[workspace.package]", 1)[1]
    return re.search(r'^version\s*=\s*"([^"]+)"', section, re.M).group(1)


def test_the_package_carries_its_library_header_and_cffi_declarations():
    package = pathlib.Path(commerce_rules.__file__).parent
    if "COMMERCE_RULES_LIB" not in os.environ:
        assert pathlib.Path(commerce_rules.library_path()).parent == package
    assert pathlib.Path(commerce_rules.library_path()).is_file()
    assert pathlib.Path(commerce_rules.header_path()).read_text() == (
        ROOT / "bindings-c" / "include" / "commerce_rules.h"
    ).read_text()
    assert pathlib.Path(commerce_rules.cdef_path()).read_text() == (
        ROOT / "bindings-c" / "include" / "commerce_rules.cdef"
    ).read_text()
    assert (package / "py.typed").is_file()


def test_installed_from_the_wheel_when_the_test_command_says_so():
    # scripts/test-c installs the built wheel into a virtual environment and
    # sets this, so that the tests cannot pass on the source tree.
    if os.environ.get("COMMERCE_RULES_EXPECT_INSTALLED") != "1":
        pytest.skip("not run by scripts/test-c")
    package = pathlib.Path(commerce_rules.__file__).resolve().parent
    assert "site-packages" in package.parts, package
    assert package != (ROOT / "bindings-python" / "src" / "commerce_rules").resolve()


def test_version_is_cargo_tomls():
    assert commerce_rules.__version__ == cargo_version()
    assert commerce_rules.library_version() == cargo_version()


def test_one_method_per_question():
    assert set(commerce_rules.QUESTIONS) == {
        "quote",
        "best_coupons",
        "shipping_options",
        "tier_status",
        "points_balance",
        "return_refund",
        "price_protection",
    }
    for question in commerce_rules.QUESTIONS:
        method = getattr(Engine, question)
        assert method.__doc__, question


def scenario_case(path):
    scenario = json.loads(path.read_text(encoding="utf-8"))
    rules = scenario.get("rules")
    if rules is None:
        rules = (ROOT / scenario["rules_file"]).read_text(encoding="utf-8")
    return rules, scenario.get("question", "quote"), scenario.get("request"), scenario


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_golden_scenario_through_the_questions_own_method(path):
    rules, question, request, scenario = scenario_case(path)
    try:
        engine = Engine(rules)
    except CommerceRulesError as error:
        assert "error" in scenario, f"{path}: the rule set was refused: {error}"
        assert error.report == scenario["error"]
        assert error.code == scenario["error"]["code"] == "invalid_rules"
        assert error.status == "invalid_rules"
        assert error.problems == scenario["error"]["problems"]
        return
    with engine:
        method = getattr(engine, question)
        if "error" in scenario:
            with pytest.raises(CommerceRulesError) as raised:
                method(request)
            assert raised.value.report == scenario["error"]
            assert raised.value.code == scenario["error"]["code"]
            assert raised.value.path == scenario["error"]["path"]
        else:
            answer = method(request)
            assert answer == scenario["answer"]
            # By name too, and the exact text is that answer.
            assert engine.answer(question, request) == answer
            assert json.loads(engine.answer_json(question, json.dumps(request))) == answer


def test_answers_keep_the_engines_field_order(cn_rules, cn_request):
    with Engine(cn_rules) as engine:
        text = engine.answer_json("quote", cn_request)
        assert list(engine.quote(cn_request)) == list(json.loads(text))
        assert list(engine.quote(cn_request)["totals"])[:3] == ["list_subtotal", "item_subtotal", "discounts"]


def test_text_and_bytes_and_dicts_give_the_same_answer(cn_rules, cn_request):
    rules_text = json.dumps(cn_rules)
    with Engine(rules_text) as a, Engine(rules_text.encode()) as b, Engine(cn_rules) as c:
        text = json.dumps(cn_request)
        assert a.quote(text) == b.quote(text.encode()) == c.quote(cn_request)


def test_decimal_amounts_are_written_as_strings(cn_rules, cn_request):
    request = json.loads(json.dumps(cn_request))
    for line in request["lines"]:
        line["unit_price"] = decimal.Decimal(line["unit_price"])
    with Engine(cn_rules) as engine:
        assert engine.quote(request) == engine.quote(cn_request)
        # A float is refused by the engine, which says what it expects.
        with pytest.raises(CommerceRulesError, match="expected a decimal string") as raised:
            engine.quote({"now": "2026-11-11T20:15:00+08:00", "lines": [{"unit_price": 1.5}]})
        assert raised.value.path == "lines[0].unit_price"
        with pytest.raises(TypeError, match="amounts as strings or Decimal"):
            engine.quote({"now": "2026-11-11T20:15:00+08:00", "lines": [{"unit_price": object()}]})
        with pytest.raises(TypeError, match="request must be a dict, str or bytes"):
            engine.quote(42)


def test_a_bad_request_names_its_code_and_path(cn_rules):
    request = {
        "now": "2026-11-11T20:15:00+08:00",
        "lines": [{"id": "1", "sku": "TEA", "quantity": 0, "unit_price": "1.00"}],
    }
    with Engine(cn_rules) as engine:
        with pytest.raises(CommerceRulesError) as raised:
            engine.quote(request)
    error = raised.value
    assert (error.code, error.path, error.status) == ("out_of_range", "lines[0].quantity", "out_of_range")
    assert error.status_code == 10
    assert "must be >= 1" in error.message
    assert str(error) == f"out_of_range at lines[0].quantity: {error.message}"
    assert error.problems == [{"code": "out_of_range", "message": "must be >= 1", "path": "lines[0].quantity"}]


def test_a_bad_rule_set_lists_every_problem():
    with pytest.raises(CommerceRulesError) as raised:
        Engine({"schema_version": 1})
    error = raised.value
    assert error.code == "invalid_rules" and error.status == "invalid_rules"
    assert len(error.problems) > 1, error.problems
    assert error.path == error.problems[0]["path"]
    assert all({"code", "path", "message"} <= set(p) for p in error.problems)


def test_boundary_refusals_have_their_status(cn_rules):
    with Engine(cn_rules) as engine:
        with pytest.raises(CommerceRulesError) as raised:
            engine.quote(b'{"now": "2026-11-11T20:15:00+08:00", "lines": [')
        assert (raised.value.status, raised.value.code) == ("invalid_json", "invalid_json")
        with pytest.raises(CommerceRulesError) as raised:
            engine.quote(b'{"now": "\xff"}')
        assert (raised.value.status, raised.value.code) == ("invalid_utf8", "invalid_argument")
        with pytest.raises(CommerceRulesError) as raised:
            engine.answer("quotes", "{}")
        assert (raised.value.status, raised.value.code) == ("unknown_question", "invalid_argument")


def test_messages_escape_control_characters_and_the_report_keeps_them(cn_rules, cn_request):
    request = dict(cn_request, codes=["\x1b[31mRED"], wallet=[], lines=cn_request["lines"])
    request["lines"] = [dict(cn_request["lines"][0], id="\x1b[2J")] * 2
    with Engine(cn_rules) as engine:
        with pytest.raises(CommerceRulesError) as raised:
            engine.quote(request)
    error = raised.value
    assert error.code == "duplicate_id"
    assert "\x1b" not in error.message and "\\u001b" in error.message
    assert "\x1b" in error.report["message"]


def test_limits_are_passed_to_the_engine(cn_rules, cn_request):
    with Engine(cn_rules, limits={"max_lines": 2}) as engine:
        with pytest.raises(CommerceRulesError) as raised:
            engine.quote(cn_request)
        assert raised.value.code == "limit_exceeded"
        assert raised.value.path == "lines"
    with pytest.raises(CommerceRulesError) as raised:
        Engine(cn_rules, limits={"max_lines": "many"})
    assert raised.value.code == "invalid_argument"


def test_a_closed_engine_refuses_politely(cn_rules, cn_request):
    engine = Engine(cn_rules)
    engine.close()
    engine.close()
    with pytest.raises(ValueError, match="closed"):
        engine.quote(cn_request)


def test_one_engine_serves_many_threads(cn_rules, cn_request):
    with Engine(cn_rules) as engine:
        expected = engine.answer_json("quote", cn_request)
        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
            answers = list(pool.map(lambda _: engine.answer_json("quote", cn_request), range(64)))
    assert answers == [expected] * 64
