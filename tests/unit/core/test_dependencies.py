"""Locked dependencies are at or above the releases that fixed their published advisories.

No online advisory database is reachable from these machines (an online audit here would check
nothing), so the known fixes are pinned here; add a row when an advisory is published.
"""

from importlib.metadata import version
from pathlib import Path

import pytest
from packaging.version import Version

FIXED_IN = [
    # package, first fixed release, advisories
    ("starlette", "0.40.0", "CVE-2024-47874 (unbounded multipart form fields)"),
    ("starlette", "1.0.1", "CVE-2026-48710 (Host header poisons request.url.path)"),
    ("starlette", "1.3.0", "CVE-2026-54282 (request path moves the URL authority)"),
    ("python-multipart", "0.0.7", "CVE-2024-24762 (Content-Type ReDoS)"),
    ("python-multipart", "0.0.22", "CVE-2026-24486 (arbitrary file write)"),
    ("python-multipart", "0.0.26", "CVE-2026-40347 (huge preamble/epilogue DoS)"),
    ("python-multipart", "0.0.27", "CVE-2026-42561 (unbounded part headers DoS)"),
    ("python-multipart", "0.0.30", "CVE-2026-53538/53539/53540 (querystring DoS and others)"),
    ("jinja2", "3.1.5", "CVE-2024-56326, CVE-2024-56201 (sandbox escapes)"),
    ("jinja2", "3.1.6", "CVE-2025-27516 (sandbox escape through |attr)"),
]
LOCK = Path(__file__).resolve().parents[3] / "requirements.lock"


def _locked() -> dict[str, str]:
    pins = {}
    for line in LOCK.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, _sep, pinned = line.partition("==")
            pins[name.strip().lower().replace("_", "-")] = pinned.strip()
    return pins


@pytest.mark.parametrize(("package", "fixed", "advisory"), FIXED_IN)
def test_installed_release_has_the_fix(package: str, fixed: str, advisory: str) -> None:
    assert Version(version(package)) >= Version(fixed), f"{package} {version(package)} lacks the fix for {advisory}"


@pytest.mark.parametrize(("package", "fixed", "advisory"), FIXED_IN)
def test_locked_release_has_the_fix(package: str, fixed: str, advisory: str) -> None:
    pinned = _locked().get(package)
    assert pinned is not None, f"{package} is not pinned in requirements.lock"
    assert Version(pinned) >= Version(fixed), f"requirements.lock pins {package} {pinned}, vulnerable to {advisory}"


def test_every_lock_line_is_an_exact_pin() -> None:
    for line in LOCK.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            assert "==" in line and not any(op in line for op in (">=", "<=", "~=", "!=")), line
