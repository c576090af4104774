#!/usr/bin/env bash
# CCHC Desktop, one command for each job; each sets itself up (a virtual environment in .venv).
#   ./dev.sh app [--db FILE] [...]   open the window (a demo database is created when none exists)
#   ./dev.sh test [pytest args]      run the whole test suite headless
#   ./dev.sh cchc ARGS               the command line (cchc --help)
#   ./dev.sh screenshots             refresh docs/screenshots/ from a demo database
set -euo pipefail
cd "$(dirname "$0")"
VENV="${CCHC_VENV:-.venv}"

find_python() {
    for candidate in "${PYTHON:-}" python3.13 python3.12 python3.11 python3; do
        [ -n "$candidate" ] || continue
        if command -v "$candidate" >/dev/null 2>&1 \
            && "$candidate" -c 'import sys, venv; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            echo "$candidate"; return 0
        fi
    done
    echo "Cần Python 3.11 trở lên (kèm mô-đun venv) / Python >= 3.11 with venv is required" >&2
    return 1
}

ensure_venv() {
    if [ ! -x "$VENV/bin/python" ]; then
        "$(find_python)" -m venv "$VENV"
    fi
    local stamp
    stamp="$VENV/.installed-$(cat pyproject.toml | sha1sum | cut -c1-12)"
    if [ ! -f "$stamp" ]; then
        echo "Đang cài đặt thư viện vào $VENV… / installing dependencies into $VENV…" >&2
        if ! { "$VENV/bin/python" -m pip install --upgrade pip \
                && "$VENV/bin/python" -m pip install -e ".[test]"; } >"$VENV/pip.log" 2>&1; then
            tail -n 40 "$VENV/pip.log" >&2
            echo "Cài đặt thất bại; xem $VENV/pip.log / install failed, see $VENV/pip.log" >&2
            exit 1
        fi
        rm -f "$VENV"/.installed-*
        touch "$stamp"
    fi
}

command="${1:-app}"
[ $# -gt 0 ] && shift
case "$command" in
    app)
        ensure_venv
        exec "$VENV/bin/cchc-desktop" "$@"
        ;;
    test)
        ensure_venv
        export QT_QPA_PLATFORM=offscreen
        status=0
        "$VENV/bin/python" -m pytest "$@" || status=$?
        if [ "$status" -eq 5 ]; then
            echo "pytest ran no test: failing on purpose" >&2
            exit 1
        fi
        exit "$status"
        ;;
    cchc)
        ensure_venv
        exec "$VENV/bin/cchc" "$@"
        ;;
    screenshots)
        ensure_venv
        demo="$(mktemp -d)/demo.sqlite3"
        "$VENV/bin/cchc" --db "$demo" demo --dossiers 5000
        for page in "${@:-dashboard settings}"; do
            for name in $page; do
                QT_QPA_PLATFORM=offscreen CCHC_PASSWORD=demo1234 "$VENV/bin/cchc-desktop" --db "$demo" \
                    --user quantri --page "$name" --screenshot "docs/screenshots/$name.png"
                echo "docs/screenshots/$name.png"
            done
        done
        ;;
    *)
        echo "Cách dùng / usage: ./dev.sh app|test|cchc|screenshots [...]" >&2
        exit 2
        ;;
esac
