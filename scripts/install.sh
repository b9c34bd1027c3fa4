#!/bin/sh
# The one way Pantau HAM is installed into an environment, used by the Dockerfile (two layers) and by
# tests/test_container.py (into a fresh venv), so the image's recipe cannot rot unnoticed.
#   scripts/install.sh deps [EXTRAS]   the dependencies only, exact versions from constraints.txt
#   scripts/install.sh app  [EXTRAS]   the bot itself (after the source is copied), no dependency changes
set -eu
stage=${1:?deps or app}
extras=${2:-postgres}
pip=${PIP:-python -m pip}
case "$stage" in
deps)
    python - "$extras" > .deps.txt <<'PY'
import sys, tomllib
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
wanted = [e for e in sys.argv[1].split(",") if e]
print("\n".join(project["dependencies"] + [d for e in wanted for d in project["optional-dependencies"][e]]))
PY
    $pip install --no-cache-dir --disable-pip-version-check -q -c constraints.txt -r .deps.txt
    rm -f .deps.txt
    ;;
app)
    # builds the wheel (setup.py compiles the translation catalogs into it) and installs it
    $pip install --no-cache-dir --disable-pip-version-check -q --no-deps ".[${extras}]"
    ;;
*)
    echo "usage: $0 deps|app [EXTRAS]" >&2
    exit 2
    ;;
esac
# the bytecode the image runs (PYTHONOPTIMIZE=2, see the Dockerfile): without it every start would compile
# the libraries from source. A file that does not compile fails on import as it would anyway.
python -OO -m compileall -q -j0 "$(python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')" \
    >/dev/null 2>&1 || true
