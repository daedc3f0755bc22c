#!/usr/bin/env bash
# Installs the Debian 12 packages crible needs to build, test and fuzz;
# with --bench, also the tools the benchmarks compare against (bsdtar,
# unzip, clamscan).  Idempotent: installs only what is missing; needs root
# (or sudo) only when something is missing.
set -euo pipefail

pkgs=(
  gcc clang meson ninja-build pkg-config    # build (clang for the fuzzers)
  libssl-dev                                # SHA-256 (libcrypto)
  zlib1g-dev libbz2-dev liblzma-dev         # decompression
  libisal-dev                               # deflate and CRC-32 through ISA-L (zlib is the test's reference)
  libzstd-dev liblz4-dev libarchive-dev     # more decompression; 7z, CAB, ISO, cpio, ar, XAR
  libseccomp-dev                            # the broker's workers: default-deny system call filter
  libutf8proc-dev                           # Unicode case folding and normalisation of entry names
  libexpat1-dev                             # SVG and XML read as a browser's XML parser reads them
  libyara-dev                               # user YARA rules (crible scan --rules)
  libmicrohttpd-dev                         # crible serve's HTTP API (no HTTP parsing of our own)
  libxml2-dev libicu-dev nettle-dev         # static archives of libarchive's own dependencies: crible-broker
                                            #   is linked static (meson -Dstatic_broker, docs/benchmarks.md)
  libcmocka-dev                             # unit tests
  libclang-rt-14-dev llvm                   # libFuzzer, sanitizer runtimes, symbolizer
  python3                                   # integration tests, conformance, bench
  libarchive-tools unzip 7zip genisoimage   # the differential tests' real readers: bsdtar, Info-ZIP,
  xorriso tar util-linux                    #   7zz, isoinfo, xorriso, GNU tar, setpriv
  qpdf                                      # the PDF decryption oracle
  clamdscan c-icap curl squid               # real clamd, ICAP and HTTP clients against crible serve
  haproxy                                   # two daemons behind a real load balancer
  python3-flask                             # examples/upload-gate, the upload form that asks crible first
  python3-jsonschema                        # crible scan --format sarif checked against the SARIF 2.1.0 schema
  file time                                 # bench baselines: file(1), GNU time
  man-db                                    # test_explain renders crible(1) with man --warnings
)
# crible diff's real-data tests fetch packages with `npm pack`.  A machine with its own Node.js
# (NodeSource's nodejs bundles npm and conflicts with Debian's npm) keeps it.
command -v npm >/dev/null 2>&1 || pkgs+=(npm)

[ "${1:-}" = "--bench" ] && pkgs+=(clamav gnuplot-nox isal diffoscope-minimal)   # clamd and clamscan; bench/scaling.py's plots; igzip; bench/diff.py's peer

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "bootstrap: all ${#pkgs[@]} packages present"
  exit 0
fi
echo "bootstrap: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
