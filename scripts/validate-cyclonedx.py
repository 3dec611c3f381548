#!/usr/bin/env python3
"""Validates CycloneDX JSON files with cyclonedx-python-lib's strict 1.6 validator.

Usage: validate-cyclonedx.py FILE...   (install with scripts/fetch-sbom-schemas.sh --validator
and run with target/sbom-schemas/venv/bin/python). Exits 1 naming the first error of each
invalid file.
"""
import sys

from cyclonedx.schema import SchemaVersion
from cyclonedx.validation.json import JsonStrictValidator

validator = JsonStrictValidator(SchemaVersion.V1_6)
failed = False
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as handle:
        error = validator.validate_str(handle.read())
    if error is None:
        print(f"{path}: valid CycloneDX 1.6")
    else:
        failed = True
        print(f"{path}: INVALID: {error}")
sys.exit(1 if failed else 0)
