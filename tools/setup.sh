#!/usr/bin/env bash
# Everything the full test suite needs on a fresh Debian machine: the real NTP peers
# (chrony, ntpsec-ntpdig, faketime; setpriv comes with util-linux), socat (a pty pair for the
# real interpreter's Serial port, used when ESPRUINO_BIN is set), iproute2 (ip, to bring up the
# loopback of the network namespace where the GPS server holds port 123 for ntpdig) and the
# npm packages.
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
if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}"
fi
npm ci --no-audit --no-fund
