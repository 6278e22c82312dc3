"""examples/python/quote.py uses the package and prints every term of the grand
total, so that the lines it prints add up (scripts/check-example-totals)."""

import importlib.machinery
import importlib.util
import json
import subprocess
import sys

import pytest

import commerce_rules

from conftest import DATA, ROOT


def checker():
    path = ROOT / "scripts" / "check-example-totals"
    loader = importlib.machinery.SourceFileLoader("check_example_totals", str(path))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


@pytest.mark.parametrize("store", ["cn-store", "us-store"])
def test_the_example_prints_terms_that_add_up(store, tmp_path):
    rules = DATA / f"{store}.rules.json"
    request = DATA / f"{store}.quote.json"
    with commerce_rules.Engine(rules.read_text(encoding="utf-8")) as engine:
        answer = engine.quote(request.read_text(encoding="utf-8"))
    expect = tmp_path / "answer.json"
    expect.write_text(json.dumps(answer), encoding="utf-8")
    run = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "python" / "quote.py"), "--rules", str(rules),
         "--request", str(request), "--expect", str(expect)],
        capture_output=True, text=True, check=False,
    )
    assert run.returncode == 0, run.stderr
    assert checker().check(run.stdout, answer) == []
    # The sample stores show both kinds of tax: included, and added on top.
    tax_line = next(line for line in run.stdout.splitlines() if line[2:].startswith("tax "))
    assert tax_line.startswith(" " if answer["totals"]["tax_included"] else "+"), tax_line


def test_the_checker_catches_terms_that_do_not_add_up(cn_rules, cn_request):
    with commerce_rules.Engine(cn_rules) as engine:
        answer = engine.quote(cn_request)
    totals = answer["totals"]
    good = "\n".join(
        f"{sign} {label} {totals[field]} {answer['currency']}"
        for sign, label, field in [
            (" ", "item subtotal", "item_subtotal"), ("-", "discounts", "discounts"),
            ("+", "shipping", "shipping"), ("-", "shipping discounts", "shipping_discounts"),
            (" ", "tax", "tax"), ("-", "points value", "points_value"), ("=", "grand total", "grand_total"),
            (" ", "list subtotal", "list_subtotal"), (" ", "savings", "savings"),
        ]
    )
    check = checker().check
    assert totals["tax_included"] and check(good, answer) == []
    # A term left out, or printed with the wrong sign, is caught.
    assert check(good.replace("- points value", "  points value"), answer)
    assert check("\n".join(l for l in good.splitlines() if "shipping discounts" not in l), answer)
    # Figures that do not add up are caught even when each is the answer's.
    bad = json.loads(json.dumps(answer))
    bad["totals"]["grand_total"] = "1.00"
    assert check(good.replace(f"= grand total {totals['grand_total']}", "= grand total 1.00"), bad) == [
        f"the terms printed add up to {totals['grand_total']}, the grand total printed is 1.00"
    ]
