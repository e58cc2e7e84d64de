"""Tools for the infrastructure tests: uv, a Python 3.12 for ``sam build``, and SAM CLI itself.

SAM CLI pins its own boto3, so it never joins the project's environment: it runs from an
environment of its own (``uv tool run``), cached by uv after the first run. Python 3.12 is found
the way infra/bootstrap.sh finds it: ``$REGULARS_PYTHON``, a working ``python3.12`` on PATH,
pyenv's 3.12, then uv's discovery.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"

SAM_CLI_VERSION = "1.170.0"

# Enough for a cold uv cache that downloads SAM CLI and a build that downloads every wheel.
SAM_TIMEOUT_SECONDS = 280

_CHECK_312 = (
    "import importlib.util, sys; "
    "sys.exit(0 if sys.version_info[:2] == (3, 12) and importlib.util.find_spec('pip') else 1)"
)

Sam = Callable[..., subprocess.CompletedProcess[str]]


def _usable_312(candidate: str | os.PathLike[str] | None) -> bool:
    """A Python 3.12 with pip (``sam build`` runs ``python3.12 -m pip``)."""
    if not candidate:
        return False
    try:
        return subprocess.run([candidate, "-c", _CHECK_312], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def _pyenv_312() -> list[Path]:
    pyenv = shutil.which("pyenv")
    if not pyenv:
        return []
    listed = subprocess.run([pyenv, "versions", "--bare"], capture_output=True, text=True, check=False).stdout
    versions = [v for v in listed.split() if re.fullmatch(r"3\.12(\.\d+)?", v)]
    versions.sort(key=lambda v: int(v.split(".")[2]) if v.count(".") == 2 else -1, reverse=True)
    found = []
    for version in versions:
        prefix = subprocess.run([pyenv, "prefix", version], capture_output=True, text=True, check=False)
        if prefix.returncode == 0 and prefix.stdout.strip():
            found.append(Path(prefix.stdout.strip()) / "bin" / "python3.12")
    return found


def find_uv() -> str:
    """``$UV`` (``uv run`` sets it), ``uv`` on PATH, or the copy bootstrap.sh installs in .tools/."""
    for candidate in (os.environ.get("UV"), shutil.which("uv"), ROOT / ".tools" / "venv" / "bin" / "uv"):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    pytest.fail("uv not found: run infra/bootstrap.sh (make setup)")


def find_python312(uv: str) -> Path:
    explicit = os.environ.get("REGULARS_PYTHON")
    if explicit:
        if _usable_312(explicit):
            return Path(explicit)
        pytest.fail(f"REGULARS_PYTHON={explicit} is not a Python 3.12 with pip")
    candidates: list[str | Path | None] = [shutil.which("python3.12"), *_pyenv_312()]
    found = subprocess.run(
        [uv, "python", "find", "--system", "--no-python-downloads", "3.12"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    candidates.append(found or None)
    for candidate in candidates:
        if _usable_312(candidate):
            return Path(candidate)  # type: ignore[arg-type]
    pytest.fail(
        "no Python 3.12 with pip found (set REGULARS_PYTHON, put python3.12 on PATH, or install it with pyenv)"
    )


@pytest.fixture(scope="session")
def uv() -> str:
    return find_uv()


@pytest.fixture(scope="session")
def python312(uv: str) -> Path:
    return find_python312(uv)


@pytest.fixture(scope="session")
def sam(uv: str, python312: Path, tmp_path_factory: pytest.TempPathFactory) -> Sam:
    """Run ``sam ARGS...`` from the pinned SAM CLI, with ``python3.12`` first on PATH, a region,
    dummy credentials, and no telemetry. Returns the finished process (stdout and stderr merged)."""
    shim = tmp_path_factory.mktemp("python312-bin")
    (shim / "python3.12").symlink_to(python312)
    env = {
        **os.environ,
        "PATH": os.pathsep.join([str(shim), os.environ.get("PATH", "")]),
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "SAM_CLI_TELEMETRY": "0",
        "UV_PYTHON_DOWNLOADS": "never",
        "PYTHON": str(python312),  # the layers' Makefiles build with it (pip, compileall)
    }
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME"):
        env.pop(name, None)
    workdir = tmp_path_factory.mktemp("sam")

    def run(*args: str | os.PathLike[str], check: bool = True) -> subprocess.CompletedProcess[str]:
        command: Sequence[str] = [
            uv,
            "tool",
            "run",
            "--python",
            str(python312),
            "--from",
            f"aws-sam-cli=={SAM_CLI_VERSION}",
            "sam",
            *map(str, args),
        ]
        done = subprocess.run(
            command,
            cwd=workdir,
            env=env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            timeout=SAM_TIMEOUT_SECONDS,
            check=False,
        )
        if check and done.returncode != 0:
            pytest.fail(
                f"sam {' '.join(map(str, args))} exited with {done.returncode}:\n{done.stdout[-6000:]}"
            )
        return done

    return run


@pytest.fixture(scope="session")
def sam_build(sam: Sam, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``sam build`` of template.yaml into a temporary directory (never the work tree); returns it."""
    build_dir = tmp_path_factory.mktemp("sam-build") / "build"
    sam("build", "--template-file", TEMPLATE, "--build-dir", build_dir, "--parallel")
    return build_dir
