"""infra/console_deploy.py without AWS: the console's configuration from a stack's outputs, and a
build published to moto's S3 (types, caching, config.js, files of earlier builds deleted) with the
pages invalidated on moto's CloudFront, from a stack moto's CloudFormation holds."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import console_deploy
import pytest
from moto import mock_aws

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("infra")]

REGION = "eu-west-1"
POOL = f"{REGION}_Xy12Ab34C"
OUTPUTS = {
    "ApiUrl": f"https://a1b2c3d4e5.execute-api.{REGION}.amazonaws.com/prod",
    "UserPoolId": POOL,
    "UserPoolClientId": "3n4b5urk1ft4fl3mg5e62d9ado",
    "AuthDomain": f"https://regulars-prod-123456789012.auth.{REGION}.amazoncognito.com",
    "TableName": "regulars-Table-1ABC",
}
CONFIG = {
    "api": OUTPUTS["ApiUrl"],
    "auth": {
        "authority": f"https://cognito-idp.{REGION}.amazonaws.com/{POOL}",
        "clientId": OUTPUTS["UserPoolClientId"],
        "domain": OUTPUTS["AuthDomain"],
    },
}
BUILD = {
    "index.html": b'<!doctype html><script src="/config.js"></script><script type="module" src="/assets/index-B1a2c3D4.js"></script>',
    "config.js": b"window.REGULARS_CONFIG = { api: '' };  // the development placeholder\n",
    "favicon.svg": b"<svg xmlns='http://www.w3.org/2000/svg'/>",
    "robots.txt": b"User-agent: *\nDisallow: /\n",
    "assets/index-B1a2c3D4.js": b"console.log('the console')",
    "assets/index-Q9w8E7r6.css": b"body{margin:0}",
    "assets/inter-latin-400-normal-Cc3dDd4e.woff2": b"wOF2",
    "assets/logo-Zz9y8X7w.png": b"\x89PNG\r\n",
    "assets/chunk-Aa1bB2cC.js.map": b"{}",
}
EARLIER_BUILD = ["assets/index-OLD00000.js", "assets/index-OLD00000.css", "old-page.html"]


def read_config(script: str) -> Any:
    prefix = "window.REGULARS_CONFIG = "
    (line,) = [i for i, text in enumerate(script.splitlines()) if text.startswith(prefix)]
    body = "\n".join(script.splitlines()[line:])
    assert body.startswith(prefix) and body.rstrip().endswith(";")
    return json.loads(body.removeprefix(prefix).rstrip().removesuffix(";"))


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    for key, body in BUILD.items():
        path = tmp_path / "dist" / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
    return tmp_path / "dist"


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[boto3.session.Session]:
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        yield boto3.session.Session(region_name=REGION)


def hosted_stack(session: boto3.session.Session, name: str = "regulars") -> tuple[str, str]:
    """A bucket with an earlier build, a distribution, and a stack whose outputs name them."""
    bucket = "regulars-consolebucket-1x2y3z"
    distribution = session.client("cloudfront").create_distribution(
        DistributionConfig={
            "CallerReference": "console",
            "Comment": "",
            "Enabled": True,
            "Origins": {
                "Quantity": 1,
                "Items": [
                    {
                        "Id": "console-bucket",
                        "DomainName": f"{bucket}.s3.{REGION}.amazonaws.com",
                        "S3OriginConfig": {"OriginAccessIdentity": ""},
                    }
                ],
            },
            "DefaultCacheBehavior": {
                "TargetOriginId": "console-bucket",
                "ViewerProtocolPolicy": "redirect-to-https",
            },
        }
    )["Distribution"]
    outputs = {
        **OUTPUTS,
        "ConsoleUrl": f"https://{distribution['DomainName']}/",
        "ConsoleBucket": bucket,
        "ConsoleDistributionId": distribution["Id"],
    }
    template = {
        "Resources": {"ConsoleBucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": bucket}}},
        "Outputs": {key: {"Value": value} for key, value in outputs.items()},
    }
    session.client("cloudformation").create_stack(StackName=name, TemplateBody=json.dumps(template))
    for key in EARLIER_BUILD:
        session.client("s3").put_object(Bucket=bucket, Key=key, Body=b"old")
    return bucket, distribution["Id"]


# ------------------------------------------------------------------------------------ configuration
def test_the_configuration_comes_from_the_stack_outputs():
    config = console_deploy.console_config({**OUTPUTS, "ApiUrl": OUTPUTS["ApiUrl"] + "/"})
    assert config == CONFIG
    assert read_config(console_deploy.config_js(config)) == CONFIG


def test_a_stack_without_the_outputs_is_refused_with_the_reason():
    with pytest.raises(console_deploy.DeployError, match="UserPoolClientId"):
        console_deploy.console_config({k: v for k, v in OUTPUTS.items() if k != "UserPoolClientId"})
    with pytest.raises(console_deploy.DeployError, match="ConsoleHosting=true"):
        console_deploy.hosting(OUTPUTS)


@pytest.mark.parametrize(
    ("key", "content_type", "cache_control"),
    [
        ("index.html", "text/html; charset=utf-8", "no-cache"),
        ("config.js", "text/javascript; charset=utf-8", "no-cache"),
        ("favicon.svg", "image/svg+xml", "no-cache"),
        ("robots.txt", "text/plain; charset=utf-8", "no-cache"),
        ("assets/index-B1a2c3D4.js", "text/javascript; charset=utf-8", "public, max-age=31536000, immutable"),
        ("assets/index-Q9w8E7r6.css", "text/css; charset=utf-8", "public, max-age=31536000, immutable"),
        ("assets/inter-latin-400-normal-Cc3dDd4e.woff2", "font/woff2", "public, max-age=31536000, immutable"),
        ("assets/logo-Zz9y8X7w.png", "image/png", "public, max-age=31536000, immutable"),
        ("assets/chunk-Aa1bB2cC.js.map", "application/json", "public, max-age=31536000, immutable"),
    ],
)
def test_each_file_gets_its_type_and_caching(key: str, content_type: str, cache_control: str):
    assert console_deploy.content_type(key) == content_type
    assert console_deploy.cache_control(key) == cache_control


def test_the_build_goes_up_assets_first_and_the_page_last(dist: Path):
    (dist / "phone.html").write_bytes(b"<!doctype html><title>phones (local)</title>")  # the runtime's own
    keys = [u.key for u in console_deploy.uploads(dist, "window.REGULARS_CONFIG = {};\n")]
    assert sorted(keys) == sorted(BUILD)
    assert keys[-2:] == ["config.js", "index.html"]
    assets = [i for i, key in enumerate(keys) if key.startswith("assets/")]
    assert assets == list(range(len(assets)))


def test_a_missing_build_is_refused(tmp_path: Path):
    with pytest.raises(console_deploy.DeployError, match="build the console first"):
        console_deploy.uploads(tmp_path, "")


# ------------------------------------------------------------------------------------ against moto
def test_a_deploy_publishes_the_build_configured_and_removes_the_earlier_one(aws, dist: Path):
    bucket, distribution = hosted_stack(aws)
    url = console_deploy.deploy(aws, "regulars", dist)
    assert url.startswith("https://") and url.endswith(".cloudfront.net/")

    s3 = aws.client("s3")
    listed = {o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]}
    assert listed == set(BUILD), "files of the earlier build are left, or the build is incomplete"
    for key, body in BUILD.items():
        head = s3.head_object(Bucket=bucket, Key=key)
        assert head["ContentType"] == console_deploy.content_type(key), key
        assert head["CacheControl"] == console_deploy.cache_control(key), key
        if key != "config.js":
            assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == body
    script = s3.get_object(Bucket=bucket, Key="config.js")["Body"].read().decode()
    assert read_config(script) == CONFIG  # the stack's, not the build's placeholder
    assert s3.head_object(Bucket=bucket, Key="index.html")["CacheControl"] == "no-cache"
    assert s3.head_object(Bucket=bucket, Key="assets/index-B1a2c3D4.js")["CacheControl"] == (
        "public, max-age=31536000, immutable"
    )

    cloudfront = aws.client("cloudfront")
    (summary,) = cloudfront.list_invalidations(DistributionId=distribution)["InvalidationList"]["Items"]
    batch = cloudfront.get_invalidation(DistributionId=distribution, Id=summary["Id"])["Invalidation"]
    assert {"/index.html", "/config.js", "/book.html", "/embed.js"} <= set(
        batch["InvalidationBatch"]["Paths"]["Items"]
    )


def test_a_second_deploy_of_a_new_build_replaces_the_first(aws, dist: Path):
    bucket, _ = hosted_stack(aws)
    console_deploy.deploy(aws, "regulars", dist)
    (dist / "assets" / "index-B1a2c3D4.js").rename(dist / "assets" / "index-N3wN3wN3.js")
    console_deploy.deploy(aws, "regulars", dist)
    listed = {o["Key"] for o in aws.client("s3").list_objects_v2(Bucket=bucket)["Contents"]}
    assert "assets/index-N3wN3wN3.js" in listed and "assets/index-B1a2c3D4.js" not in listed


def test_the_command_names_what_is_missing(aws, dist: Path, capsys: pytest.CaptureFixture[str]):
    template = {
        "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
        "Outputs": {key: {"Value": value} for key, value in OUTPUTS.items()},
    }
    aws.client("cloudformation").create_stack(StackName="unhosted", TemplateBody=json.dumps(template))
    argv = ["--stack", "unhosted", "--region", REGION, "--dist", str(dist)]
    assert console_deploy.main(argv) == 1
    assert "deploy it with ConsoleHosting=true" in capsys.readouterr().err
    assert console_deploy.main(["--stack", "no-such-stack", "--region", REGION, "--dist", str(dist)]) == 1
    assert "no-such-stack" in capsys.readouterr().err
