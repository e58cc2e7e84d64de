"""The OpenAPI document of every route, generated from the code (`make openapi` writes
docs/openapi.json; a test fails when the committed copy drifts)."""

from __future__ import annotations

import json
import sys

from regulars.app.http import openapi_document


def document() -> dict:
    return openapi_document()


def main() -> None:
    json.dump(document(), sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
