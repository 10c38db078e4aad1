"""The built wheel carries everything the product needs at run time.

It is built, installed into a fresh virtualenv outside the checkout, and `servicescape init` and
`servicescape demo` run from there (the dependencies come from the test environment's site-packages,
added as a plain path so that the checkout's editable install is not visible).
"""

import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(ROOT)],
                   check=True, capture_output=True)
    (built,) = out.glob("servicescape-*.whl")
    return built


def test_wheel_contains_the_runtime_files(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in ("servicescape/web/templates/base.html", "servicescape/web/static/app.css",
                     "servicescape/web/static/vendor/htmx.min.js", "servicescape/db/migrations/env.py",
                     "servicescape/web/static/charts.js", "servicescape/web/static/vendor/vega-interpreter.js",
                     "servicescape/db/migrations/script.py.mako", "servicescape/auth/common-passwords.txt.gz",
                     "servicescape/locale/hu/LC_MESSAGES/messages.mo",
                     "servicescape/locale/zh_Hant/LC_MESSAGES/messages.mo"):
        assert required in names, required
    assert any(n.startswith("servicescape/db/migrations/versions/0001") for n in names)
    assert not any(n.startswith("tests/") for n in names)


def test_installed_wheel_runs_init_and_demo(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next((venv / "lib").glob("python3.*/site-packages"))
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)  # a wheel is installed by unpacking it into site-packages
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    python = venv / "bin" / "python"
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(work), "SERVICESCAPE_DATA_DIR": str(work / "data"),
           "SERVICESCAPE_MODE": "demo"}

    def cli(*args: str) -> str:
        done = subprocess.run([str(python), "-c", "from servicescape.cli.main import app; app()", *args],
                              cwd=work, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    where = subprocess.run([str(python), "-c", "import servicescape; print(servicescape.__file__)"],
                           cwd=work, env=env, capture_output=True, text=True, check=True).stdout
    assert where.startswith(str(site)), where
    assert "owner@demo.servicescape.test" in cli("demo", "--clients", "25", "--seed", "3")
    ready = cli("init", "--owner-email", "owner@firm.test", "--owner-password", "a-strong-passphrase")
    assert "Database ready" in ready and "Owner account created" in ready
    assert (work / "data" / "servicescape.db").exists()
