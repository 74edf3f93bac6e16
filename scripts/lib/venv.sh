# Sourced by the scripts that install Python packages into the project's .venv (figures, the
# interop suite, the cc3d bench baseline). ensure_venv makes .venv when missing; Debian's system
# Python keeps venv in a separate package, installed on demand. Status 0 when .venv/bin/python exists.
ensure_venv() {
  [ -x .venv/bin/python ] && return 0
  python3 -m venv .venv >/dev/null 2>&1 && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-venv >/dev/null
  rm -rf .venv && python3 -m venv .venv
}
