#!/usr/bin/env bash
# Puts the official SBOM JSON schemas in target/sbom-schemas/ (kept out of the repo) for the
# schema tests of crates/hullscan_sbom, taken from PyPI packages that ship them:
#   - CycloneDX 1.6 (and the SPDX license-id and JSF schemas it references):
#     cyclonedx-python-lib, cyclonedx/schema/_res/*.SNAPSHOT.schema.json
#   - SPDX 2.3 (spdx-spec's schemas/spdx-schema.json): lib4sbom, lib4sbom/schemas/spdx/2.3-schema.json
# With --validator it also installs cyclonedx-python-lib[json-validation] into a venv at
# target/sbom-schemas/venv, for scripts/validate-cyclonedx.py.
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/sbom-schemas
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 -m pip download --quiet --no-deps --dest "$work" "cyclonedx-python-lib>=8" "lib4sbom>=0.8"
python3 - "$work" "$out" <<'PY'
import glob, sys, zipfile, os
work, out = sys.argv[1], sys.argv[2]
wanted = {
    "cyclonedx/schema/_res/bom-1.6.SNAPSHOT.schema.json": "bom-1.6.schema.json",
    "cyclonedx/schema/_res/spdx.SNAPSHOT.schema.json": "spdx.SNAPSHOT.schema.json",
    "cyclonedx/schema/_res/jsf-0.82.SNAPSHOT.schema.json": "jsf-0.82.SNAPSHOT.schema.json",
    "cyclonedx/schema/_res/cryptography-defs.SNAPSHOT.schema.json": "cryptography-defs.SNAPSHOT.schema.json",
    "lib4sbom/schemas/spdx/2.3-schema.json": "spdx-2.3.schema.json",
}
found = set()
for wheel in glob.glob(os.path.join(work, "*.whl")):
    with zipfile.ZipFile(wheel) as archive:
        for name in archive.namelist():
            if name in wanted:
                with open(os.path.join(out, wanted[name]), "wb") as target:
                    target.write(archive.read(name))
                found.add(name)
missing = set(wanted) - found
# The cryptography definitions exist only in newer releases; the 1.6 schema needs the rest.
missing.discard("cyclonedx/schema/_res/cryptography-defs.SNAPSHOT.schema.json")
if missing:
    sys.exit("fetch-sbom-schemas: not found in the wheels: " + ", ".join(sorted(missing)))
print("fetch-sbom-schemas: wrote " + ", ".join(sorted(wanted[n] for n in found)) + " to " + out)
PY
if [ "${1:-}" = "--validator" ]; then
  python3 -m venv "$out/venv"
  "$out/venv/bin/pip" install --quiet "cyclonedx-python-lib[json-validation]>=8"
  echo "fetch-sbom-schemas: cyclonedx-python-lib installed in $out/venv"
fi
