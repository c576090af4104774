#!/usr/bin/env bash
# CCHC Desktop, one command for each job; each sets itself up (a virtual environment in .venv).
#   ./dev.sh app [--db FILE] [...]   open the window (a demo database is created when none exists)
#   ./dev.sh test [pytest args]      run the whole test suite headless
#   ./dev.sh cchc ARGS               the command line (cchc --help)
#   ./dev.sh screenshots             refresh docs/screenshots/ from a demo database
#   ./dev.sh bundle [--check]        build the standalone program into dist/cchc-desktop/ (PyInstaller, one
#                                    folder); --check then runs its smoke test (packaging/smoke.py, minutes)
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

# ensure_venv [EXTRAS]: the virtual environment with the program and its extras (default: test).
ensure_venv() {
    local extras="${1:-test}" stamp
    if [ ! -x "$VENV/bin/python" ]; then
        "$(find_python)" -m venv "$VENV"
    fi
    stamp="$VENV/.installed-$(cat pyproject.toml | sha1sum | cut -c1-12)-${extras//,/+}"
    if [ ! -f "$stamp" ]; then
        echo "Đang cài đặt thư viện vào $VENV… / installing dependencies into $VENV…" >&2
        if ! { "$VENV/bin/python" -m pip install --upgrade pip \
                && "$VENV/bin/python" -m pip install -e ".[$extras]"; } >"$VENV/pip.log" 2>&1; then
            tail -n 40 "$VENV/pip.log" >&2
            echo "Cài đặt thất bại; xem $VENV/pip.log / install failed, see $VENV/pip.log" >&2
            exit 1
        fi
        rm -f "$VENV"/.installed-*"-${extras//,/+}"
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
    bundle)
        ensure_venv test,bundle
        "$VENV/bin/python" -m PyInstaller --noconfirm --clean --log-level WARN \
            --distpath dist --workpath build packaging/cchc.spec
        echo "dist/cchc-desktop/ (cchc-desktop, cchc)"
        if [ "${1:-}" = "--check" ]; then
            "$VENV/bin/python" packaging/smoke.py dist/cchc-desktop --venv "$VENV" \
                --screenshot docs/screenshots/bundle-window.png
        fi
        ;;
    *)
        echo "Cách dùng / usage: ./dev.sh app|test|cchc|screenshots|bundle [...]" >&2
        exit 2
        ;;
esac
