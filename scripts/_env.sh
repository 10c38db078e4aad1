# shellcheck shell=bash
# Shared set-up for scripts/test and scripts/demo. Source it; do not run it.
#
# Every step checks first and does nothing when its work is already done, so a
# re-run costs well under a second before the real command starts.

SS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$SS_ROOT" || exit 1

SS_VENV="$SS_ROOT/.venv"
SS_PY="$SS_VENV/bin/python"
# The venv is rebuilt from requirements.lock whenever this digest changes.
SS_STAMP="$SS_VENV/.servicescape-install.sha256"

export PIP_DISABLE_PIP_VERSION_CHECK=1
export PIP_NO_INPUT=1
export PYTHONUNBUFFERED=1

ss_heading() {
    printf '\n==> %s\n' "$*"
}

ss_die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

# Run a command as root: directly when we are root, through sudo otherwise.
ss_as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        ss_die "need root (or sudo) to run: $*"
    fi
}

SS_APT_UPDATED=0
# 'apt-get update', at most once per script run.
ss_apt_update() {
    command -v apt-get >/dev/null 2>&1 \
        || ss_die "apt-get not found; install the missing Debian packages yourself"
    if [ "$SS_APT_UPDATED" -eq 0 ]; then
        ss_as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
        SS_APT_UPDATED=1
    fi
}

ss_apt_install() {
    ss_apt_update
    ss_as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "$@"
}

ss_deb_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

ss_have_initdb() {
    compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null
}

# Debian's Chromium and PostgreSQL for the browser and PostgreSQL tests, a Java
# runtime for the analytics on Spark, poppler-utils (pdftoppm, pdftotext) for the
# reports' PDF tests, plus CJK fonts so Chinese text renders in screenshots and PDFs.
ss_ensure_test_system_packages() {
    local missing=() fonts=0
    [ -x /usr/bin/chromium ] || missing+=(chromium)
    ss_have_initdb || missing+=(postgresql)
    command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
    command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
    if command -v dpkg-query >/dev/null 2>&1 && ! ss_deb_installed fonts-noto-cjk; then
        fonts=1
    fi
    if [ "${#missing[@]}" -eq 0 ] && [ "$fonts" -eq 0 ]; then
        echo "chromium, postgresql, a Java runtime, poppler-utils and fonts-noto-cjk are installed"
        return 0
    fi
    ss_apt_update
    if [ "$fonts" -eq 1 ]; then
        # Optional: only affects how CJK text looks in screenshots.
        if apt-cache show fonts-noto-cjk >/dev/null 2>&1; then
            missing+=(fonts-noto-cjk)
        else
            echo "warning: fonts-noto-cjk is not available from apt; CJK text will not render" >&2
        fi
    fi
    if [ "${#missing[@]}" -gt 0 ]; then
        echo "installing Debian packages: ${missing[*]}"
        # slim images drop /usr/share/man; the JRE's post-install step needs man1 to exist
        ss_as_root mkdir -p /usr/share/man/man1
        ss_apt_install "${missing[@]}"
    fi
    [ -x /usr/bin/chromium ] || ss_die "/usr/bin/chromium is still missing after apt-get"
    command -v java >/dev/null 2>&1 || ss_die "java is still missing after apt-get (default-jre-headless)"
    ss_have_initdb || ss_die "PostgreSQL's initdb is still missing after apt-get"
    command -v pdftoppm >/dev/null 2>&1 || ss_die "pdftoppm is still missing after apt-get (poppler-utils)"
}

ss_lock_digest() {
    # The lock pins every dependency; pyproject.toml carries the entry points
    # and metadata of the editable install, so a change to either reinstalls.
    cat requirements.lock pyproject.toml | sha256sum | cut -d' ' -f1
}

# .venv with the exact versions from requirements.lock and servicescape itself
# installed in editable mode.
ss_ensure_venv() {
    [ -f requirements.lock ] || ss_die "requirements.lock is missing"
    if [ -e "$SS_VENV" ] && ! "$SS_PY" -c 'import sys' >/dev/null 2>&1; then
        echo "$SS_VENV is broken (no working python); recreating it"
        rm -rf "$SS_VENV"
    fi
    if [ ! -e "$SS_VENV" ]; then
        command -v python3 >/dev/null 2>&1 || ss_die "python3 not found (need Python 3.11+)"
        python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
            || ss_die "python3 is $(python3 -V 2>&1); Servicescape needs Python 3.11 or newer"
        if ! python3 -c 'import ensurepip, venv' >/dev/null 2>&1; then
            # Debian's python3 ships venv/ensurepip in a separate package.
            ss_apt_install python3-venv
        fi
        echo "creating $SS_VENV"
        python3 -m venv --upgrade-deps "$SS_VENV"
    fi
    local want have=""
    want="$(ss_lock_digest)"
    [ -f "$SS_STAMP" ] && have="$(cat "$SS_STAMP")"
    if [ "$want" = "$have" ]; then
        echo "Python packages match requirements.lock"
        return 0
    fi
    echo "installing Python packages from requirements.lock"
    rm -f "$SS_STAMP"
    "$SS_PY" -m pip install -q -r requirements.lock
    "$SS_PY" -m pip install -q --no-deps -e .
    echo "$want" > "$SS_STAMP"
}

# Compile the gettext catalogs (.po -> .mo) when the project has that step.
ss_compile_catalogs() {
    if [ -f src/servicescape/i18n.py ]; then
        "$SS_PY" -m servicescape.i18n compile
    fi
}
