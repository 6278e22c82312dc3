"""Exact, deterministic commerce rules: JSON rule sets in, answers out.

    import commerce_rules

    engine = commerce_rules.Engine(rules)        # a dict, or the rule set's JSON text
    answer = engine.quote(request)               # a dict (or JSON text) in, a dict out
    answer["totals"]["grand_total"]              # amounts are decimal strings: "380.52"

One method per question of the engine, each taking a request and returning
the answer as a dict (field order as the engine writes it): `quote`,
`best_coupons`, `shipping_options`, `tier_status`, `points_balance`,
`return_refund`, `price_protection`; `answer(question, request)` asks any
question by name and `answer_json` returns the answer's exact JSON text.
The requests and answers are those of docs/requests.md; the answer bytes
are the Rust, C and WASM APIs'.

A refused rule set or request raises `CommerceRulesError`, which carries the
stable code (`error.code`, as in docs/errors.md), the JSON path at fault
(`error.path`, `lines[0].quantity`), the message and, for a rule set, every
problem (`error.problems`).

An `Engine` is immutable once built: share one between threads (each call
releases the GIL while the engine works). This package is the C library
(`libcommerce_rules_c`) inside the wheel, called through ctypes.
"""

import ctypes
import decimal
import json
import os

from . import _native

__all__ = [
    "CommerceRulesError",
    "Engine",
    "QUESTIONS",
    "cdef_path",
    "header_path",
    "library_path",
    "library_version",
    "__version__",
]

_lib = _native.load()

#: The library's version, "x.y.z"; the package's is the same.
__version__ = _lib.cr_version().decode()

#: The names of the questions the engine answers, in the library's order.
QUESTIONS = tuple(_lib.cr_question_name(i).decode() for i in range(_lib.cr_question_count()))

_CR_OK = 0


def library_version():
    """The version of the C library loaded, "x.y.z"."""
    return _lib.cr_version().decode()


def library_path():
    """The path of the shared library loaded (inside the package unless $COMMERCE_RULES_LIB is set)."""
    return _native.library_path()


def header_path():
    """The path of the C header shipped in the package (commerce_rules.h)."""
    return os.path.join(_native.HERE, "commerce_rules.h")


def cdef_path():
    """The path of the header's declarations for cffi (`ffi.cdef(open(cdef_path()).read())`)."""
    return os.path.join(_native.HERE, "commerce_rules.cdef")


class CommerceRulesError(Exception):
    """A rule set or request the engine refused, or a call it could not make.

    Attributes:
        code: the stable error code (`"invalid_value"`, `"invalid_rules"`...; docs/errors.md).
        path: the JSON path at fault (`"lines[0].quantity"`; `""` for the whole
            document); for a rule set, its first problem's.
        message: what is wrong, in English; control characters quoted from
            the input are escaped, so it is safe to print.
        status: the C API's status name (`"invalid_json"`, `"invalid_rules"`,
            `"invalid_utf8"`...; docs/c-api.md), which names the boundary's
            own refusals more precisely than `code`.
        status_code: the C API's status number.
        problems: every problem of a rule set, each a dict with `code`,
            `path` and `message`; empty for a request.
        report: the whole error report as a dict (`code`, `message`, `path`,
            `problems`), as the Rust API and the CLI write it (quoting the
            input exactly, control characters included).
    """

    def __init__(self, status_code, status, report, message=None, path=None):
        self.status_code = status_code
        self.status = status
        self.report = report
        self.code = report.get("code", "")
        self.path = (report.get("path") or "") if path is None else path
        self.message = report.get("message", "") if message is None else message
        self.problems = list(report.get("problems") or [])
        where = f" at {self.path}" if self.path else ""
        super().__init__(f"{self.code}{where}: {self.message}")


def _raise(status, error):
    """Raises what an error pointer says, and frees it."""
    try:
        if not error:
            name = _lib.cr_status_name(status).decode()
            raise CommerceRulesError(status, name, {"code": name, "message": name, "path": ""})
        # The report quotes the input as it was; the accessors' message and
        # path escape control characters, for printing.
        raise CommerceRulesError(
            status,
            _lib.cr_status_name(status).decode(),
            json.loads(_lib.cr_error_json(error).decode()),
            message=_lib.cr_error_message(error).decode(),
            path=_lib.cr_error_path(error).decode(),
        )
    finally:
        _lib.cr_error_free(error)


def _default(value):
    if isinstance(value, decimal.Decimal):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON: pass amounts as strings or Decimal")


def _text(value, what):
    """A request or rule set as UTF-8 JSON bytes: a dict (or list) is serialised, text passed as is."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_default).encode("utf-8")
    raise TypeError(f"{what} must be a dict, str or bytes, not {type(value).__name__}")


class Engine:
    """A compiled rule set that answers questions.

    Engine(rules, limits=None): `rules` is the rule set as a dict or as its
    JSON text (str or bytes); `limits` a dict of limits to override
    (`{"max_lines": 50}`; docs/limits.md). Raises `CommerceRulesError` with
    code `invalid_rules` and every problem listed when the rule set is
    refused.

    Free the engine with `close()` or a `with` block; it is freed when
    collected otherwise.
    """

    def __init__(self, rules, limits=None):
        self._handle = None
        text = _text(rules, "rules")
        handle, error = ctypes.c_void_p(), ctypes.c_void_p()
        if limits is None:
            status = _lib.cr_engine_new(text, len(text), ctypes.byref(handle), ctypes.byref(error))
        else:
            limits_text = _text(limits, "limits")
            status = _lib.cr_engine_new_with_limits(
                text, len(text), limits_text, len(limits_text), ctypes.byref(handle), ctypes.byref(error)
            )
        if status != _CR_OK:
            _raise(status, error)
        self._handle = handle

    def _call(self, function, *head, request):
        if not self._handle:
            raise ValueError("the engine is closed")
        text = _text(request, "request")
        answer, length, error = ctypes.c_void_p(), ctypes.c_size_t(), ctypes.c_void_p()
        status = function(
            self._handle, *head, text, len(text), ctypes.byref(answer), ctypes.byref(length), ctypes.byref(error)
        )
        if status != _CR_OK:
            _raise(status, error)
        try:
            return ctypes.string_at(answer, length.value).decode("utf-8")
        finally:
            _lib.cr_string_free(answer)

    def answer_json(self, question, request):
        """The answer to the question named `question` (one of QUESTIONS), as the engine's exact JSON text."""
        return self._call(_lib.cr_engine_answer, question.encode("utf-8"), request=request)

    def answer(self, question, request):
        """The answer to the question named `question` (one of QUESTIONS), as a dict."""
        return json.loads(self.answer_json(question, request))

    def quote(self, request):
        """Prices a cart: lines, promotions, coupons, shipping, tax, points and totals."""
        return json.loads(self._call(_lib.cr_engine_quote, request=request))

    def best_coupons(self, request):
        """The combination of the customer's coupons that saves most on a cart."""
        return json.loads(self._call(_lib.cr_engine_best_coupons, request=request))

    def shipping_options(self, request):
        """Every shipping method for a cart and destination, with its price and delivery window."""
        return json.loads(self._call(_lib.cr_engine_shipping_options, request=request))

    def tier_status(self, request):
        """The customer's membership tier, the progress to the next and when it lapses."""
        return json.loads(self._call(_lib.cr_engine_tier_status, request=request))

    def points_balance(self, request):
        """The points available and what expires when."""
        return json.loads(self._call(_lib.cr_engine_points_balance, request=request))

    def return_refund(self, request):
        """A return: each line's eligibility and the refund, part by part."""
        return json.loads(self._call(_lib.cr_engine_return_refund, request=request))

    def price_protection(self, request):
        """What is owed where a price dropped inside the protection window."""
        return json.loads(self._call(_lib.cr_engine_price_protection, request=request))

    def close(self):
        """Frees the engine; later calls raise ValueError. Must not race with a call in progress."""
        handle, self._handle = self._handle, None
        if handle:
            _lib.cr_engine_free(handle)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        # At interpreter exit the module's globals may already be gone.
        if getattr(self, "_handle", None) and _lib is not None:
            self.close()
