#!/usr/bin/env python3
"""Quote a cart through the commerce-rules C API with ctypes, and print its totals.

    python3 examples/python/quote.py [--lib PATH] [--rules R.json --request Q.json]
                                     [--expect ANSWER.json]

The library is found with --lib, else $COMMERCE_RULES_LIB, else
target/release/libcommerce_rules_c.so. Without --rules/--request it quotes
the bundled cn-store sample. With --expect it checks that the answer is
byte-identical to ANSWER.json (the Rust API's answer, for example from
`commerce-rules quote`) and that the totals it printed are that answer's.

Exit status: 0 on success, 1 on any failure or difference.
"""

import argparse
import ctypes
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

CR_OK = 0
TOTALS = ["list_subtotal", "item_subtotal", "discounts", "shipping", "tax", "grand_total", "savings"]


class CommerceRulesError(Exception):
    """A failed call: the status, the stable code, the JSON path and the message."""

    def __init__(self, status, name, code, path, message, report):
        super().__init__(f"{name} ({code}) at {path or '<document>'}: {message}")
        self.status, self.name, self.code, self.path, self.report = status, name, code, path, report


class Library:
    """The few functions this example uses, with their C signatures."""

    def __init__(self, path):
        lib = ctypes.CDLL(path)
        engine_pp = ctypes.POINTER(ctypes.c_void_p)
        error_pp = ctypes.POINTER(ctypes.c_void_p)
        lib.cr_version.restype = ctypes.c_char_p
        lib.cr_version.argtypes = []
        lib.cr_status_name.restype = ctypes.c_char_p
        lib.cr_status_name.argtypes = [ctypes.c_uint32]
        lib.cr_engine_new.restype = ctypes.c_uint32
        lib.cr_engine_new.argtypes = [ctypes.c_char_p, ctypes.c_size_t, engine_pp, error_pp]
        lib.cr_engine_free.restype = None
        lib.cr_engine_free.argtypes = [ctypes.c_void_p]
        # The answer is returned as a void pointer so that it can be freed.
        lib.cr_engine_quote.restype = ctypes.c_uint32
        lib.cr_engine_quote.argtypes = [
            ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t,
            ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_size_t), error_pp,
        ]
        lib.cr_string_free.restype = None
        lib.cr_string_free.argtypes = [ctypes.c_void_p]
        for accessor in ("cr_error_code", "cr_error_message", "cr_error_path", "cr_error_json"):
            getattr(lib, accessor).restype = ctypes.c_char_p
            getattr(lib, accessor).argtypes = [ctypes.c_void_p]
        lib.cr_error_status.restype = ctypes.c_uint32
        lib.cr_error_status.argtypes = [ctypes.c_void_p]
        lib.cr_error_free.restype = None
        lib.cr_error_free.argtypes = [ctypes.c_void_p]
        self.lib = lib

    def version(self):
        return self.lib.cr_version().decode()

    def _raise(self, status, error):
        lib = self.lib
        try:
            raise CommerceRulesError(
                status,
                lib.cr_status_name(status).decode(),
                lib.cr_error_code(error).decode(),
                lib.cr_error_path(error).decode(),
                lib.cr_error_message(error).decode(),
                json.loads(lib.cr_error_json(error)) if error else None,
            )
        finally:
            lib.cr_error_free(error)

    def engine(self, rules: bytes):
        engine, error = ctypes.c_void_p(), ctypes.c_void_p()
        status = self.lib.cr_engine_new(rules, len(rules), ctypes.byref(engine), ctypes.byref(error))
        if status != CR_OK:
            self._raise(status, error)
        return Engine(self, engine)


class Engine:
    """An engine handle; free it with close() or a `with` block."""

    def __init__(self, library, handle):
        self.library, self.handle = library, handle

    def quote(self, request: bytes) -> bytes:
        lib = self.library.lib
        answer, length, error = ctypes.c_void_p(), ctypes.c_size_t(), ctypes.c_void_p()
        status = lib.cr_engine_quote(
            self.handle, request, len(request), ctypes.byref(answer), ctypes.byref(length), ctypes.byref(error)
        )
        if status != CR_OK:
            self.library._raise(status, error)
        try:
            return ctypes.string_at(answer, length.value)
        finally:
            lib.cr_string_free(answer)

    def close(self):
        if self.handle:
            self.library.lib.cr_engine_free(self.handle)
            self.handle = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lib", default=os.environ.get("COMMERCE_RULES_LIB")
                        or os.path.join(ROOT, "target", "release", "libcommerce_rules_c.so"))
    parser.add_argument("--rules", default=os.path.join(ROOT, "examples", "data", "cn-store.rules.json"))
    parser.add_argument("--request", default=os.path.join(ROOT, "examples", "data", "cn-store.quote.json"))
    parser.add_argument("--expect", help="the Rust API's answer JSON, to compare with")
    args = parser.parse_args(argv)

    library = Library(args.lib)
    with open(args.rules, "rb") as f:
        rules = f.read()
    with open(args.request, "rb") as f:
        request = f.read()

    print(f"commerce-rules {library.version()} via ctypes")
    with library.engine(rules) as engine:
        answer = engine.quote(request)
        parsed = json.loads(answer)
        totals = parsed["totals"]
        printed = {}
        for key in TOTALS:
            printed[key] = totals[key]
            print(f"{key.replace('_', ' '):<14} {totals[key]:>12} {parsed['currency']}")

        # A bad request: the error says what and where.
        try:
            engine.quote(b'{"now":"2026-11-11T20:15:00+08:00","lines":[{"id":"1","sku":"T","quantity":0,'
                         b'"unit_price":"1.00"}]}')
            print("a quantity of 0 was accepted", file=sys.stderr)
            return 1
        except CommerceRulesError as e:
            print(f"a bad request: {e.name} ({e.code}) at {e.path}")

    if args.expect:
        with open(args.expect, "rb") as f:
            expected = f.read().rstrip(b"\n")
        if answer != expected:
            print("the C API's answer differs from the Rust API's", file=sys.stderr)
            return 1
        want = {key: json.loads(expected)["totals"][key] for key in TOTALS}
        if printed != want:
            print(f"totals differ: printed {printed}, Rust {want}", file=sys.stderr)
            return 1
        print("answer byte-identical to the Rust API's; totals match")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
