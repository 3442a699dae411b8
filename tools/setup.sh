#!/usr/bin/env bash
# Everything the full test suite needs on a fresh Debian machine: the real NTP peers
# (chrony, ntpsec-ntpdig, faketime; setpriv and nsenter come with util-linux), socat (a pty
# pair for the interpreter's Serial port), iproute2 (ip, to bring up the loopback of each
# device's network namespace), the npm packages (the espruino upload tool among them), and
# the real Espruino 2v29 interpreters from ../shared/espruino (built once, then cached;
# npm test finds them there).
# Installing chrony does not start it here, and no test touches the machine's clock.
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v chronyd >/dev/null 2>&1 || [ -x /usr/sbin/chronyd ] || need+=(chrony)
command -v ntpdig >/dev/null 2>&1 || need+=(ntpsec-ntpdig)
command -v faketime >/dev/null 2>&1 || need+=(faketime)
command -v setpriv >/dev/null 2>&1 || need+=(util-linux)
command -v socat >/dev/null 2>&1 || need+=(socat)
command -v ip >/dev/null 2>&1 || [ -x /usr/sbin/ip ] || need+=(iproute2)
command -v nsenter >/dev/null 2>&1 || need+=(util-linux)
# what ../shared/espruino/build.sh needs besides its compilers: it patches the source and stamps it with git
command -v patch >/dev/null 2>&1 || need+=(patch)
command -v git >/dev/null 2>&1 || need+=(git)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
npm ci --no-audit --no-fund
# The interpreters in their three memory sizes (build.sh installs its compilers as root).
shared=../shared/espruino/build.sh
if [ -f "$shared" ]; then
  bins=$(bash "$shared")
  # The ESP8266 and Pico sizes are 32-bit builds: a kernel without IA32 emulation refuses
  # them (exit 126), and test/helpers/device.ts then runs them under qemu-i386.
  small=$(printf '%s\n' "$bins" | sed -n 's/^ESPRUINO_ESP8266_BIN=//p')
  rc=0
  "$small" -h >/dev/null 2>&1 || rc=$?
  if [ "$rc" -eq 126 ] && ! command -v qemu-i386 >/dev/null 2>&1; then
    echo "setup: this kernel cannot run 32-bit programs: installing qemu-user for the ESP8266 and Pico interpreters" >&2
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends qemu-user
  fi
else
  echo "setup: no $shared: the real-interpreter tests will be skipped (and fail in CI)" >&2
fi
