"""Builds the `commerce_rules` wheel: the Python code, plus the C library.

The shared library is $COMMERCE_RULES_LIB when set (a library already built,
for example by `cargo cbuild` or `cargo build --release -p commerce-rules-c`),
else this runs `cargo build --release --locked -p commerce-rules-c` in the
repository (honouring $CARGO_TARGET_DIR). The library, the header and the
cffi declarations are copied into the package, and the wheel is tagged for
this platform (`py3-none-linux_x86_64`...): it holds native code but no
Python extension module, so one wheel serves every Python 3 version.

Build from the repository, not from an sdist: the library's sources are
the Cargo workspace around this directory.
"""

import json
import os
import re
import shutil
import subprocess
import sys

from setuptools import Distribution, setup
from setuptools.command.build_py import build_py

try:
    from wheel.bdist_wheel import bdist_wheel
except ImportError:  # pragma: no cover - wheel is a build requirement
    bdist_wheel = None

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
LIBRARY = "libcommerce_rules_c.dylib" if sys.platform == "darwin" else "libcommerce_rules_c.so"


def cargo_version():
    """The workspace version in Cargo.toml: the library's and so the package's."""
    path = os.path.join(ROOT, "Cargo.toml")
    if not os.path.exists(path):
        sys.exit(
            "commerce_rules: build the wheel from the repository "
            "(python3 -m build --wheel bindings-python); no Cargo.toml at " + path
        )
    with open(path, encoding="utf-8") as f:
        text = f.read()
    section = text.split("[workspace.package]", 1)[1]
    return re.search(r'^version\s*=\s*"([^"]+)"', section, re.M).group(1)


def shared_library():
    """The path of the shared library to put into the wheel, building it if needed."""
    given = os.environ.get("COMMERCE_RULES_LIB")
    if given:
        if not os.path.isfile(given):
            sys.exit(f"commerce_rules: COMMERCE_RULES_LIB={given} is not a file")
        return given
    cargo = os.environ.get("CARGO", "cargo")
    print("commerce_rules: cargo build --release --locked -p commerce-rules-c", flush=True)
    subprocess.run([cargo, "build", "--release", "--locked", "-p", "commerce-rules-c"], cwd=ROOT, check=True)
    target = os.environ.get("CARGO_TARGET_DIR")
    if not target:
        metadata = subprocess.run(
            [cargo, "metadata", "--format-version", "1", "--no-deps"],
            cwd=ROOT, check=True, capture_output=True, text=True,
        ).stdout
        target = json.loads(metadata)["target_directory"]
    return os.path.join(target, "release", LIBRARY)


class BuildPy(build_py):
    """The usual build_py, then the library, header and cffi declarations."""

    def run(self):
        super().run()
        package = os.path.join(self.build_lib, "commerce_rules")
        os.makedirs(package, exist_ok=True)
        # Copied under its plain name, whatever the source is called
        # (cargo-c's libcommerce_rules_c.so.0.1.0, for example).
        shutil.copyfile(shared_library(), os.path.join(package, LIBRARY))
        os.chmod(os.path.join(package, LIBRARY), 0o755)
        for name in ("commerce_rules.h", "commerce_rules.cdef"):
            shutil.copyfile(os.path.join(ROOT, "bindings-c", "include", name), os.path.join(package, name))


commands = {"build_py": BuildPy}


class NativeDistribution(Distribution):
    """A distribution with native code (the shared library), though no extension module."""

    def has_ext_modules(self):
        return True


if bdist_wheel is not None:

    class PlatformWheel(bdist_wheel):
        """A platform wheel (it holds a shared library) for any Python 3."""

        def get_tag(self):
            _, _, platform = super().get_tag()
            return "py3", "none", platform

    commands["bdist_wheel"] = PlatformWheel

setup(version=cargo_version(), cmdclass=commands, distclass=NativeDistribution)
