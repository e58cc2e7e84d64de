"""template.yaml as AWS will see it: cfn-lint, ``sam validate --lint``, ``sam build`` for arm64,
the dependencies layer in step with uv.lock, and a sample event for every function and route."""

from __future__ import annotations

import json
import subprocess
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from regulars_local.emulator.template import load

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("infra")]

FUNCTION = "AWS::Serverless::Function"
LAYER = "AWS::Serverless::LayerVersion"
ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"
Sam = Callable[..., subprocess.CompletedProcess[str]]
REQUIREMENTS = ROOT / "layers" / "dependencies" / "requirements.txt"
EXPORT = ["export", "--frozen", "--no-dev", "--no-emit-project", "--no-hashes", "--no-header"]


def _resources(kind: str) -> dict[str, dict[str, Any]]:
    return {name: res for name, res in load(TEMPLATE)["Resources"].items() if res["Type"] == kind}


def _code_uri(props: dict[str, Any]) -> str:
    globals_ = (load(TEMPLATE).get("Globals") or {}).get("Function") or {}
    return props.get("CodeUri") or globals_["CodeUri"]


def _samples(folder: str) -> list[dict[str, Any]]:
    return [json.loads(path.read_text()) for path in sorted((ROOT / "events" / folder).glob("*.json"))]


FUNCTIONS = {name: Path(_code_uri(res["Properties"])).name for name, res in _resources(FUNCTION).items()}
ROUTES = [
    (FUNCTIONS[name], event["Properties"]["Path"], event["Properties"]["Method"].upper())
    for name, res in _resources(FUNCTION).items()
    for event in (res["Properties"].get("Events") or {}).values()
    if event["Type"] == "Api"
]


# ------------------------------------------------------------------------------------ linting
def test_cfn_lint_reports_no_errors():
    from cfnlint.api import lint_file

    matches = lint_file(TEMPLATE)
    errors = [m for m in matches if m.rule.id.startswith("E")]
    for match in matches:
        if not match.rule.id.startswith("E"):
            warnings.warn(f"cfn-lint {match}", stacklevel=1)
    assert not errors, "cfn-lint errors:\n" + "\n".join(map(str, errors))


def test_sam_validate_lint(sam: Sam):
    out = sam("validate", "--lint", "--template-file", TEMPLATE).stdout
    assert "is a valid SAM Template" in out, out


# ------------------------------------------------------------------------------------ build
def test_sam_build_for_arm64(sam_build: Path):
    for logical_id, folder in FUNCTIONS.items():
        assert (sam_build / logical_id / "main.py").is_file(), f"{logical_id} ({folder}) was not built"
    for logical_id in _resources(LAYER):
        assert (sam_build / logical_id / "python").is_dir(), f"layer {logical_id} was not built"
    assert (sam_build / "RegularsLayer" / "python" / "regulars" / "__init__.py").is_file()

    site = sam_build / "DependenciesLayer" / "python"
    core = sorted(p.name for p in (site / "pydantic_core").glob("*.so"))
    assert any("aarch64" in name for name in core), f"pydantic_core has no aarch64 extension: {core}"
    for layer, module in (
        ("RegularsLayer", "regulars/booking/service"),
        ("DependenciesLayer", "pydantic/main"),
    ):
        compiled = sam_build / layer / "python" / (module.rsplit("/", 1)[0] + "/__pycache__")
        assert list(compiled.glob(module.rsplit("/", 1)[1] + ".cpython-312.pyc")), (
            f"{layer} ships no bytecode"
        )
    foreign = sorted(str(p.relative_to(site)) for p in site.rglob("*.so") if "x86_64" in p.name)
    assert not foreign, f"x86_64 extensions in an arm64 layer: {foreign}"
    for line in REQUIREMENTS.read_text().splitlines():
        if line and not line.startswith((" ", "#")) and ";" not in line:  # markers may exclude Linux
            name = line.split("==")[0].strip().replace("-", "_").lower()
            assert any(p.name.lower().startswith(f"{name}-") for p in site.glob("*.dist-info")), (
                f"{name} missing"
            )


# ------------------------------------------------------------------------------------ layer drift
def test_layer_requirements_match_the_lock(uv: str):
    exported = subprocess.run([uv, *EXPORT], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert REQUIREMENTS.read_text() == exported, (
        "layers/dependencies/requirements.txt is out of date with uv.lock: run `make layer-requirements`"
    )


# ------------------------------------------------------------------------------------ samples
@pytest.mark.parametrize("folder", sorted(set(FUNCTIONS.values())))
def test_every_function_has_a_sample_event(folder: str):
    assert _samples(folder), f"no sample event in events/{folder}/"


@pytest.mark.parametrize(("folder", "path", "method"), ROUTES, ids=[f"{m} {p}" for _, p, m in ROUTES])
def test_every_route_has_a_sample_event(folder: str, path: str, method: str):
    matching = [s for s in _samples(folder) if s.get("resource") == path]
    assert matching, f"no sample in events/{folder}/ with resource {path!r}"
    if method != "ANY":
        assert any(s.get("httpMethod") == method for s in matching), f"no {method} sample for {path}"
