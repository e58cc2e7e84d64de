"""Publish the built console to a stack deployed with ConsoleHosting=true.

    uv run python infra/console_deploy.py --stack <stack name> [--region <region>] [--dist console/dist]

(`make console-deploy STACK=<stack name>` builds the console first.) Reads the stack's outputs, writes
the console's ``config.js`` from them (the API, the user pool as OpenID issuer, the app client, the
managed login's domain), uploads the build to the ``ConsoleBucket`` output with each file's
Content-Type and Cache-Control, deletes the files of earlier builds, and invalidates the pages on the
``ConsoleDistributionId`` output. Hashed files under ``assets/`` are cached a year (immutable); every
other file (``index.html``, ``config.js``, the client pages ``book.html``, ``manage.html``,
``feedback.html`` and ``embed.js``, built beside the console) is ``no-cache``: the edge keeps none,
browsers revalidate.

The files go up assets first and ``index.html`` last, so a page never names a file not yet there.
A tab left open across a deploy that loads a chunk of the old build then finds it gone and needs
a reload.

Uses the caller's AWS credentials: cloudformation:DescribeStacks on the stack; s3:ListBucket,
s3:PutObject and s3:DeleteObject on the bucket; cloudfront:CreateInvalidation on the distribution.
"""

from __future__ import annotations

import argparse
import json
import mimetypes
import sys
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CONFIG_KEY = "config.js"
PAGE_KEY = "index.html"
ASSETS_PREFIX = "assets/"
IMMUTABLE = "public, max-age=31536000, immutable"
NO_CACHE = "no-cache"
# the client's pages (built from web/ beside the console) and embed.js, which salons' sites load by name
CLIENT_PAGES = ("/book.html", "/manage.html", "/feedback.html", "/offer.html", "/waitlist.html", "/embed.js")
INVALIDATED = ("/", "/" + PAGE_KEY, "/" + CONFIG_KEY, *CLIENT_PAGES)
# the local runtime's view of what the fake providers received: it calls /local routes, which a
# deployed stack has not, so it is not deployed
LOCAL_ONLY = ("phone.html",)
# Served with X-Content-Type-Options: nosniff, so a type must be right: a script as anything but
# JavaScript does not run. Text is declared UTF-8 (Vite writes UTF-8).
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".webmanifest": "application/manifest+json",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".wasm": "application/wasm",
}
REQUIRED_OUTPUTS = ("ApiUrl", "UserPoolId", "UserPoolClientId", "AuthDomain")
HOSTING_OUTPUTS = ("ConsoleBucket", "ConsoleDistributionId")


class DeployError(Exception):
    """Something the operator has to fix (a stack without hosting, an empty build)."""


@dataclass(frozen=True)
class Upload:
    key: str
    body: bytes
    content_type: str
    cache_control: str


# ------------------------------------------------------------------------------------ configuration
def stack_outputs(cloudformation: Any, stack: str) -> dict[str, str]:
    """The stack's outputs, by key."""
    (described,) = cloudformation.describe_stacks(StackName=stack)["Stacks"]
    return {o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs") or []}


def console_config(outputs: Mapping[str, str]) -> dict[str, Any]:
    """What the console reads as ``window.REGULARS_CONFIG``, from the stack's outputs."""
    missing = [key for key in REQUIRED_OUTPUTS if not outputs.get(key)]
    if missing:
        raise DeployError(f"the stack has no output {', '.join(missing)}: is it a Regulars stack?")
    pool = outputs["UserPoolId"]
    region = pool.split("_", 1)[0]  # a user pool's id is <region>_<id>
    return {
        "api": outputs["ApiUrl"].rstrip("/"),
        "auth": {
            "authority": f"https://cognito-idp.{region}.amazonaws.com/{pool}",
            "clientId": outputs["UserPoolClientId"],
            "domain": outputs["AuthDomain"].rstrip("/"),
        },
    }


def config_js(config: Mapping[str, Any]) -> str:
    """``config.js``: the configuration as a script (JSON is a JavaScript expression)."""
    return (
        "// Written by infra/console_deploy.py from the stack's outputs; a deploy replaces it.\n"
        f"window.REGULARS_CONFIG = {json.dumps(config, indent=2)};\n"
    )


def hosting(outputs: Mapping[str, str]) -> tuple[str, str]:
    """The console's bucket and distribution id."""
    missing = [key for key in HOSTING_OUTPUTS if not outputs.get(key)]
    if missing:
        raise DeployError(
            f"the stack has no output {', '.join(missing)}: deploy it with ConsoleHosting=true first"
        )
    return outputs["ConsoleBucket"], outputs["ConsoleDistributionId"]


# ------------------------------------------------------------------------------------ the files
def content_type(key: str) -> str:
    suffix = Path(key).suffix.lower()
    if suffix in CONTENT_TYPES:
        return CONTENT_TYPES[suffix]
    guessed, _ = mimetypes.guess_type(key)
    return guessed or "application/octet-stream"


def cache_control(key: str) -> str:
    """A year for the build's hashed assets (a changed file gets a new name); revalidate the rest."""
    return IMMUTABLE if key.startswith(ASSETS_PREFIX) else NO_CACHE


def _order(key: str) -> tuple[int, str]:
    """Assets first, then the other files, then config.js, index.html last."""
    rank = 0 if key.startswith(ASSETS_PREFIX) else 3 if key == PAGE_KEY else 2 if key == CONFIG_KEY else 1
    return rank, key


def uploads(dist: Path, config: str) -> list[Upload]:
    """Every file of the build but the local runtime's own pages (its own config.js, if any, replaced
    by ``config``), in upload order."""
    if not (dist / PAGE_KEY).is_file():
        raise DeployError(
            f"{dist} has no {PAGE_KEY}: build the console first (npm --prefix console run build)"
        )
    files = {
        path.relative_to(dist).as_posix(): path.read_bytes()
        for path in dist.rglob("*")
        if path.is_file() and not path.name.startswith(".")
    }
    for key in LOCAL_ONLY:
        files.pop(key, None)
    files[CONFIG_KEY] = config.encode()
    return [
        Upload(key, body, content_type(key), cache_control(key))
        for key, body in sorted(files.items(), key=lambda item: _order(item[0]))
    ]


def _keys(s3: Any, bucket: str) -> Iterator[str]:
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents") or []:
            yield item["Key"]


def publish(s3: Any, bucket: str, files: Iterable[Upload]) -> tuple[list[str], list[str]]:
    """Upload ``files``, then delete every other file in the bucket. Returns (uploaded, deleted) keys."""
    uploaded = []
    for file in files:
        s3.put_object(
            Bucket=bucket,
            Key=file.key,
            Body=file.body,
            ContentType=file.content_type,
            CacheControl=file.cache_control,
        )
        uploaded.append(file.key)
    kept = set(uploaded)
    stale = sorted(key for key in _keys(s3, bucket) if key not in kept)
    for start in range(0, len(stale), 1000):  # DeleteObjects takes at most 1,000 keys
        batch = stale[start : start + 1000]
        answer = s3.delete_objects(
            Bucket=bucket, Delete={"Objects": [{"Key": key} for key in batch], "Quiet": True}
        )
        if answer.get("Errors"):
            raise DeployError(f"could not delete {answer['Errors']}")
    return uploaded, stale


def invalidate(cloudfront: Any, distribution: str, paths: Iterable[str] = INVALIDATED) -> str:
    """Drop the pages from the edge's caches. Returns the invalidation's id."""
    items = list(paths)
    answer = cloudfront.create_invalidation(
        DistributionId=distribution,
        InvalidationBatch={
            "Paths": {"Quantity": len(items), "Items": items},
            "CallerReference": f"console-deploy-{time.time_ns()}",
        },
    )
    return str(answer["Invalidation"]["Id"])


# ------------------------------------------------------------------------------------ command line
def deploy(session: Any, stack: str, dist: Path) -> str:
    """The whole deploy; returns the console's URL."""
    outputs = stack_outputs(session.client("cloudformation"), stack)
    bucket, distribution = hosting(outputs)
    config = config_js(console_config(outputs))
    files = uploads(dist, config)
    uploaded, deleted = publish(session.client("s3"), bucket, files)
    print(f"uploaded {len(uploaded)} files to s3://{bucket}, deleted {len(deleted)} of earlier builds")
    invalidation = invalidate(session.client("cloudfront"), distribution)
    print(f"invalidated {', '.join(INVALIDATED)} on {distribution} ({invalidation})")
    return outputs.get("ConsoleUrl", "")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--stack", required=True, help="the stack's name")
    p.add_argument("--region", help="the stack's region (default: the AWS settings in use)")
    p.add_argument("--dist", type=Path, default=ROOT / "console" / "dist", help="the console's build")
    args = p.parse_args(argv)
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    session = boto3.session.Session(region_name=args.region)
    try:
        url = deploy(session, args.stack, args.dist)
    except (DeployError, ClientError, BotoCoreError) as exc:
        print(f"console-deploy: {exc}", file=sys.stderr)
        return 1
    print(f"the console: {url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
