# Sourced by the scripts: sets PY to the newest Python >= 3.10 found on PATH or under pyenv.
# Override with PYTHON=/path/to/python.
pick_python() {
  if [ -n "${PYTHON:-}" ]; then PY=$PYTHON; return; fi
  local candidate
  local pyenv=${PYENV_ROOT:-$HOME/.pyenv}/versions
  # Each minor version by name, then pyenv's own copy of it: pyenv's shim for a version that is
  # not selected fails, and must not let an older selected one win.
  for candidate in python3.13 "$pyenv"/3.13*/bin/python3 python3.12 "$pyenv"/3.12*/bin/python3 \
      python3.11 "$pyenv"/3.11*/bin/python3 python3.10 "$pyenv"/3.10*/bin/python3 python3; do
    if "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
      PY=$candidate; return
    fi
  done
  echo "No Python 3.10 or newer found; set PYTHON=/path/to/python3" >&2
  exit 1
}

# make_venv DIR GROUP...: create DIR if needed and install the project with those dependency groups.
make_venv() {
  local venv=$1; shift
  pick_python
  if [ ! -x "$venv/bin/python" ]; then
    echo "Creating $venv with $("$PY" --version)" >&2
    "$PY" -m venv "$venv"
  fi
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade "pip>=25.1"
  local args=()
  for group in "$@"; do args+=(--group "$group"); done
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -e . "${args[@]}"
}
