"""The vendored Vega files: the versions the server side uses, and the checksums the README lists."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import altair
import pytest
import vl_convert

VENDOR = Path(__file__).resolve().parents[3] / "src" / "servicescape" / "web" / "static" / "vendor"


def _version(file: str, pattern: str) -> str:
    match = re.search(pattern, (VENDOR / file).read_text(encoding="utf-8"))
    assert match, f"no version found in {file}"
    return match[1]


def test_the_browser_draws_with_the_vega_the_server_renders_with() -> None:
    assert _version("vega.min.js", r'\.version="(\d+\.\d+\.\d+)"') == vl_convert.get_vega_version()


def test_vega_lite_is_the_version_altair_writes() -> None:
    assert "v" + _version("vega-lite.min.js", r'^!function.*?var n="(\d+\.\d+\.\d+)"') == altair.SCHEMA_VERSION


def test_vega_embed_is_the_version_vl_convert_uses() -> None:
    text = (VENDOR / "vega-embed.min.js").read_text(encoding="utf-8")
    assert f'"{vl_convert.get_vega_embed_version()}"' in text


def test_the_interpreter_is_a_classic_script_that_sets_vega_expression_interpreter() -> None:
    text = (VENDOR / "vega-interpreter.js").read_text(encoding="utf-8")
    assert "vega-interpreter 2.3.2" in text.splitlines()[0]
    assert not re.search(r"^\s*(import|export)\b", text, re.M)
    assert text.rstrip().endswith("vega.expressionInterpreter = expression;\n})(window.vega);".rstrip())


@pytest.mark.parametrize("file", ["htmx.min.js", "vega.min.js", "vega-lite.min.js", "vega-embed.min.js",
                                  "vega-interpreter.js"])
def test_readme_lists_the_checksum_of_each_file(file: str) -> None:
    readme = (VENDOR / "README.md").read_text(encoding="utf-8")
    digest = hashlib.sha256((VENDOR / file).read_bytes()).hexdigest()
    assert f"| `{file}` | `{digest}`" in readme
    assert (VENDOR / f"{file.split('.')[0]}.LICENSE").is_file()
