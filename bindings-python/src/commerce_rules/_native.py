"""The C library, loaded with ctypes, and the signature of each of its functions.

SIGNATURES lists every function of bindings-c/include/commerce_rules.h with
its C types; the tests check it against the cffi declarations
(commerce_rules.cdef) so that a function added to or changed in the C API
cannot be called with a stale signature.
"""

import ctypes
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
LIBRARY_NAME = "libcommerce_rules_c.dylib" if sys.platform == "darwin" else "libcommerce_rules_c.so"

# C type (as the header writes it, const dropped) -> ctypes type. Answers and
# errors come back as void pointers so that they can be handed back to their
# free function.
_CTYPES = {
    "void": None,
    "cr_status": ctypes.c_uint32,
    "uint32_t": ctypes.c_uint32,
    "size_t": ctypes.c_size_t,
    "char *": ctypes.c_char_p,
    "cr_engine *": ctypes.c_void_p,
    "cr_error *": ctypes.c_void_p,
    "cr_engine **": ctypes.POINTER(ctypes.c_void_p),
    "cr_error **": ctypes.POINTER(ctypes.c_void_p),
    "char **": ctypes.POINTER(ctypes.c_void_p),
    "size_t *": ctypes.POINTER(ctypes.c_size_t),
}

_QUESTION = ("cr_status", ["cr_engine *", "char *", "size_t", "char **", "size_t *", "cr_error **"])

#: Every function of the C API: name -> (result type, parameter types).
SIGNATURES = {
    "cr_version": ("char *", []),
    "cr_engine_new": ("cr_status", ["char *", "size_t", "cr_engine **", "cr_error **"]),
    "cr_engine_new_with_limits": (
        "cr_status",
        ["char *", "size_t", "char *", "size_t", "cr_engine **", "cr_error **"],
    ),
    "cr_engine_free": ("void", ["cr_engine *"]),
    "cr_engine_quote": _QUESTION,
    "cr_engine_best_coupons": _QUESTION,
    "cr_engine_shipping_options": _QUESTION,
    "cr_engine_tier_status": _QUESTION,
    "cr_engine_points_balance": _QUESTION,
    "cr_engine_return_refund": _QUESTION,
    "cr_engine_price_protection": _QUESTION,
    "cr_engine_answer": (
        "cr_status",
        ["cr_engine *", "char *", "char *", "size_t", "char **", "size_t *", "cr_error **"],
    ),
    "cr_string_free": ("void", ["char *"]),
    "cr_question_count": ("size_t", []),
    "cr_question_name": ("char *", ["size_t"]),
    "cr_error_status": ("cr_status", ["cr_error *"]),
    "cr_error_code": ("char *", ["cr_error *"]),
    "cr_error_message": ("char *", ["cr_error *"]),
    "cr_error_path": ("char *", ["cr_error *"]),
    "cr_error_json": ("char *", ["cr_error *"]),
    "cr_error_free": ("void", ["cr_error *"]),
    "cr_status_name": ("char *", ["uint32_t"]),
}

# Functions that take a pointer the library allocated: the pointer is passed
# back as a void pointer rather than converted from bytes.
_FREES = {"cr_string_free": [ctypes.c_void_p]}


def library_path():
    """The shared library this package loads: $COMMERCE_RULES_LIB, else the one inside the package."""
    return os.environ.get("COMMERCE_RULES_LIB") or os.path.join(HERE, LIBRARY_NAME)


def load(path=None):
    """Loads the library and declares every function's signature."""
    path = path or library_path()
    if not os.path.exists(path):
        raise ImportError(
            f"commerce_rules: no shared library at {path}; install the wheel built with "
            "`python3 -m build --wheel bindings-python` (docs/python.md)"
        )
    lib = ctypes.CDLL(path)
    for name, (result, params) in SIGNATURES.items():
        function = getattr(lib, name)
        function.restype = _CTYPES[result]
        function.argtypes = _FREES.get(name) or [_CTYPES[p] for p in params]
    return lib
