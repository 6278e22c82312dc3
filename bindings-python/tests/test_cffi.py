"""The cffi declarations (bindings-c/include/commerce_rules.cdef, shipped in the
package): cffi parses them, calls the library through them, and they agree
with the signatures the package declares to ctypes."""

import json
import re

import pytest

import commerce_rules
from commerce_rules import _native

from conftest import ROOT

cffi = pytest.importorskip("cffi")

CDEF = (ROOT / "bindings-c" / "include" / "commerce_rules.cdef").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def ffi_lib():
    ffi = cffi.FFI()
    ffi.cdef(CDEF)
    return ffi, ffi.dlopen(commerce_rules.library_path())


def test_the_header_itself_is_not_for_cffi_but_the_cdef_is():
    header = (ROOT / "bindings-c" / "include" / "commerce_rules.h").read_text(encoding="utf-8")
    with pytest.raises(cffi.CDefError), pytest.warns(UserWarning, match="String literal"):
        cffi.FFI().cdef(header)
    cffi.FFI().cdef(CDEF)


def test_constants_and_enum_values(ffi_lib):
    ffi, lib = ffi_lib
    major, minor, patch = commerce_rules.__version__.split(".")
    assert (lib.CR_VERSION_MAJOR, lib.CR_VERSION_MINOR, lib.CR_VERSION_PATCH) == (int(major), int(minor), int(patch))
    assert (lib.CR_OK, lib.CR_INVALID_RULES, lib.CR_PANIC) == (0, 18, 103)
    assert ffi.sizeof("cr_status") == 4
    assert ffi.string(lib.cr_status_name(lib.CR_INVALID_UTF8)) == b"invalid_utf8"


def test_a_quote_through_cffi_is_the_packages(ffi_lib, cn_rules, cn_request):
    ffi, lib = ffi_lib
    rules = json.dumps(cn_rules).encode()
    request = json.dumps(cn_request).encode()
    engine = ffi.new("cr_engine **")
    error = ffi.new("cr_error **")
    assert lib.cr_engine_new(rules, len(rules), engine, error) == lib.CR_OK
    try:
        answer = ffi.new("char **")
        length = ffi.new("size_t *")
        assert lib.cr_engine_quote(engine[0], request, len(request), answer, length, error) == lib.CR_OK
        text = ffi.unpack(answer[0], length[0]).decode()
        lib.cr_string_free(answer[0])
        with commerce_rules.Engine(cn_rules) as engine_py:
            assert text == engine_py.answer_json("quote", cn_request)
        bad = b'{"now":"2026-11-11T20:15:00+08:00","lines":[{"id":"1","sku":"T","quantity":0,"unit_price":"1"}]}'
        assert lib.cr_engine_quote(engine[0], bad, len(bad), answer, length, error) == lib.CR_OUT_OF_RANGE
        assert ffi.string(lib.cr_error_path(error[0])) == b"lines[0].quantity"
        lib.cr_error_free(error[0])
    finally:
        lib.cr_engine_free(engine[0])


def normalise(cname):
    """cffi's name of a C type, as _native.SIGNATURES writes it."""
    return {"uint32_t": "cr_status", "cr_engine * *": "cr_engine **", "cr_error * *": "cr_error **",
            "char * *": "char **"}.get(cname, cname)


def test_the_packages_signatures_are_the_headers(ffi_lib):
    ffi, lib = ffi_lib
    declared = set(re.findall(r"\b(cr_\w+)\(", CDEF))
    assert declared == set(_native.SIGNATURES), "bind every function of the C API in _native.SIGNATURES"
    for name, (result, params) in _native.SIGNATURES.items():
        function = ffi.typeof(getattr(lib, name))
        got_result = normalise(function.result.cname)
        got_params = [normalise(a.cname) for a in function.args]
        want_result = "cr_status" if result == "uint32_t" else result
        want_params = ["cr_status" if p == "uint32_t" else p for p in params]
        assert (got_result, got_params) == (want_result, want_params), name
