#!/usr/bin/env python3
"""Quote a cart with the commerce_rules package and print its totals, every term of the grand total.

    python3 examples/python/quote.py [--rules R.json --request Q.json] [--expect ANSWER.json]

Install the package first, from the wheel built in the repository:

    python3 -m build --wheel bindings-python
    python3 -m pip install bindings-python/dist/commerce_rules-*.whl

Without --rules/--request it quotes the bundled cn-store sample. The totals
are printed as the sum they are, one term a line with its sign, so that the
lines add up to the grand total on screen (tax included in the prices is
shown, not added). With --expect it checks that the answer equals
ANSWER.json (the Rust API's answer, for example from `commerce-rules quote`).

Exit status: 0 on success, 1 on any failure or difference.
"""

import argparse
import json
import os
import sys

try:
    import commerce_rules
except ImportError as error:  # pragma: no cover - depends on the environment
    sys.exit(
        f"{error}\nInstall the package: python3 -m build --wheel bindings-python && "
        "python3 -m pip install bindings-python/dist/commerce_rules-*.whl"
    )

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# (sign, field, label): grand total = item subtotal - discounts + shipping
# - shipping discounts + tax (when added on top) - points value. A blank sign
# is a line that is not a term.
ROWS = [
    (" ", "item_subtotal", "item subtotal"),
    ("-", "discounts", "discounts"),
    ("+", "shipping", "shipping"),
    ("-", "shipping_discounts", "shipping discounts"),
    ("+", "tax", "tax"),
    ("-", "points_value", "points value"),
    ("=", "grand_total", "grand total"),
    (" ", "list_subtotal", "list subtotal"),
    (" ", "savings", "savings"),
]


def print_totals(answer):
    """Prints the totals one term a line, so that the lines printed add up."""
    totals, currency = answer["totals"], answer["currency"]
    print(
        f"totals in {currency} (grand total = item subtotal - discounts + shipping - shipping discounts"
        " + tax if added - points value):"
    )
    for sign, field, label in ROWS:
        note = ""
        if field == "tax" and totals["tax_included"]:
            sign, note = " ", " (included in the prices, not added)"
        print(f"{sign} {label:<20} {totals[field]:>12} {currency}{note}")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", default=os.path.join(ROOT, "examples", "data", "cn-store.rules.json"))
    parser.add_argument("--request", default=os.path.join(ROOT, "examples", "data", "cn-store.quote.json"))
    parser.add_argument("--expect", help="the Rust API's answer JSON, to compare with")
    args = parser.parse_args(argv)

    with open(args.rules, encoding="utf-8") as f:
        rules = json.load(f)
    with open(args.request, encoding="utf-8") as f:
        request = json.load(f)

    print(f"commerce-rules {commerce_rules.__version__} (Python package, library {commerce_rules.library_path()})")
    with commerce_rules.Engine(rules) as engine:
        answer = engine.quote(request)
        print_totals(answer)

        # A bad request: the error says what and where.
        try:
            engine.quote({"now": "2026-11-11T20:15:00+08:00",
                          "lines": [{"id": "1", "sku": "T", "quantity": 0, "unit_price": "1.00"}]})
            print("a quantity of 0 was accepted", file=sys.stderr)
            return 1
        except commerce_rules.CommerceRulesError as error:
            print(f"a bad request: {error.code} at {error.path}: {error.message}")

    if args.expect:
        with open(args.expect, encoding="utf-8") as f:
            expected = json.load(f)
        if answer != expected:
            print("the package's answer differs from the Rust API's", file=sys.stderr)
            return 1
        print("answer equal to the Rust API's")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
