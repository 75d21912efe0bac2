#!/usr/bin/env bash
# Builds hotfolder-agent_VERSION_ARCH.deb with dpkg-deb from an already built binary.
#   scripts/build-deb.sh --binary PATH --output DIR [--allow-foreign-libraries]
# The binary must need nothing outside Debian's own library folders (make deb links the Swift runtime
# statically); --allow-foreign-libraries skips that check, for the test that packages a debug build.
set -euo pipefail
cd "$(dirname "$0")/.."

binary="" output="" foreign=no
while (($#)); do
  case "$1" in
    --binary) binary="$2"; shift 2 ;;
    --output) output="$2"; shift 2 ;;
    --allow-foreign-libraries) foreign=yes; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ -x "$binary" ] && [ -n "$output" ] || { echo "usage: $0 --binary PATH --output DIR" >&2; exit 2; }

if [ "$foreign" = no ]; then
  outside=$(ldd "$binary" | awk '/=>/ {print $3}' | grep -Ev '^/(usr/)?lib/' || true)
  if [ -n "$outside" ]; then
    echo "the binary needs libraries no Debian package provides (build with --static-swift-stdlib):" >&2
    echo "$outside" >&2
    exit 1
  fi
fi

version=$("$binary" version | awk '{print $NF}')
arch=$(dpkg --print-architecture)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
make --no-print-directory --silent install-files DESTDIR="$stage" PREFIX=/usr BINARY="$binary"
# As Debian packages do: symbols out of the installed binary (158 MB -> 83 MB for a release build).
strip --strip-unneeded "$stage/usr/bin/hotfolder-agent"
mkdir -p "$stage/DEBIAN"
cp packaging/debian/postinst packaging/debian/prerm packaging/debian/postrm "$stage/DEBIAN/"
echo "/etc/hotfolder-agent/hotfolders.yaml" > "$stage/DEBIAN/conffiles"
size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
cat > "$stage/DEBIAN/control" <<CONTROL
Package: hotfolder-agent
Version: $version
Architecture: $arch
Maintainer: hotfolder-agent developers <hotfolder-agent@localhost>
Installed-Size: $size
Depends: libc6, libgcc-s1, libstdc++6, zlib1g, libsqlite3-0, libpoppler-glib8, libcairo2, libqpdf29, libinotifytools0, libcurl4, libtiff6, systemd
Section: graphics
Priority: optional
Homepage: file:///usr/share/doc/hotfolder-agent/README.md
Description: print shop hot folder agent: preflight, proofs, print-ready PDFs, REST bridge
 Watches hot folders (inotify, polling on network shares), checks customer artwork against the ordered
 product, renders proofs with trim, bleed and safety lines, writes print-ready PDFs with their boxes set,
 and serves a REST bridge with signed callbacks for MIS/ERP systems. Runs as a hardened systemd service.
CONTROL
mkdir -p "$output"
package="$output/hotfolder-agent_${version}_${arch}.deb"
dpkg-deb --root-owner-group --build "$stage" "$package" >/dev/null
echo "$package"
