"""The optional hosting of the console (ConsoleHosting): off, nothing of it exists; on, a private
bucket that only the stack's CloudFront distribution reads (origin access control), security headers,
the console's caching, its URL a sign-in and sign-out URL of the user pool client, and the origins
its Content-Security-Policy lets it talk to are the ones infra/console_deploy.py configures."""

from __future__ import annotations

from typing import Any

import console_deploy
import pytest
from regulars_local.emulator.aws import Stack
from regulars_local.emulator.template import TEMPLATE, load
from regulars_local.iam import policies as iam

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("infra")]

REGION, ACCOUNT = "eu-central-1", iam.ACCOUNT_ID
DOCUMENT = load(TEMPLATE)
RESOURCES = DOCUMENT["Resources"]
HOSTING_TYPES = ("AWS::S3::", "AWS::CloudFront::")
HOSTING_OUTPUTS = {"ConsoleUrl", "ConsoleBucket", "ConsoleDistributionId"}
DISTRIBUTION_ID, DOMAIN = "E2EXAMPLE", "d111111abcdef8.cloudfront.net"
API_ID, POOL, POOL_DOMAIN = "a1b2c3d4e5", f"{REGION}_Ab12Cd34", "regulars-prod-123456789012"
BUCKET = "regulars-consolebucket-1x2y3z"


def stack(**parameters: Any) -> Stack:
    """The template's values in a deployed stack, as CloudFormation would resolve them."""
    s = Stack(TEMPLATE, REGION, "regulars", parameters=parameters)
    s.add("Api", API_ID)
    s.add("Table", "regulars-Table-1ABC")
    s.add("InboundSmsTopic", f"arn:aws:sns:{REGION}:{ACCOUNT}:regulars-InboundSmsTopic-1ABC")
    s.add("UserPool", POOL, Arn=f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{POOL}")
    s.add("UserPoolDomain", POOL_DOMAIN)
    s.add("UserPoolClient", "3n4b5urk1ft4fl3mg5e62d9ado")
    s.add(
        "ConsoleBucket",
        BUCKET,
        Arn=f"arn:aws:s3:::{BUCKET}",
        RegionalDomainName=f"{BUCKET}.s3.{REGION}.amazonaws.com",
    )
    s.add("ConsoleOriginAccessControl", "E3OACEXAMPLE", Id="E3OACEXAMPLE")
    s.add("ConsoleDistribution", DISTRIBUTION_ID, DomainName=DOMAIN, Id=DISTRIBUTION_ID)
    s.add("ConsolePagesCachePolicy", "pages-policy-id", Id="pages-policy-id")
    s.add("ConsoleAssetsCachePolicy", "assets-policy-id", Id="assets-policy-id")
    s.add("ConsoleHeadersPolicy", "headers-policy-id", Id="headers-policy-id")
    s.add("BookingPageHeadersPolicy", "booking-headers-id", Id="booking-headers-id")
    return s


HOSTED = stack(ConsoleHosting="true")


def hosting_resources() -> dict[str, dict[str, Any]]:
    return {k: v for k, v in RESOURCES.items() if v["Type"].startswith(HOSTING_TYPES)}


def properties(logical_id: str, s: Stack = HOSTED) -> dict[str, Any]:
    return s.resolve(RESOURCES[logical_id]["Properties"])


def outputs(s: Stack) -> dict[str, str]:
    return {
        key: s.resolve(output["Value"])
        for key, output in DOCUMENT["Outputs"].items()
        if "Condition" not in output or s.condition(output["Condition"])
    }


def csp(value: str) -> dict[str, list[str]]:
    directives = [d.split() for d in value.split(";") if d.strip()]
    parsed = {d[0]: d[1:] for d in directives}
    assert len(parsed) == len(directives), f"a directive twice: {value}"
    return parsed


# ------------------------------------------------------------------------------------ off by default
def test_hosting_is_off_by_default_and_then_nothing_of_it_exists():
    assert DOCUMENT["Parameters"]["ConsoleHosting"]["Default"] == "false"
    off = stack()
    assert off.condition("HostsConsole") is False
    assert hosting_resources(), "no console hosting in the template"
    for logical_id, resource in hosting_resources().items():
        assert resource.get("Condition") == "HostsConsole", f"{logical_id} is created without hosting"
    conditional = {k for k, v in RESOURCES.items() if v.get("Condition") == "HostsConsole"}
    assert conditional == set(hosting_resources())
    assert not HOSTING_OUTPUTS & set(outputs(off))
    assert set(outputs(HOSTED)) >= HOSTING_OUTPUTS
    assert all(DOCUMENT["Outputs"][key]["Condition"] == "HostsConsole" for key in HOSTING_OUTPUTS)


@pytest.mark.parametrize(
    "urls", [["https://example.com/"], ["https://console.salon.example/", "https://x.example/"]]
)
def test_without_hosting_the_client_returns_to_the_console_urls_given(urls: list[str]):
    client = properties("UserPoolClient", stack(ConsoleCallbackUrls=urls))
    assert client["CallbackURLs"] == client["LogoutURLs"] == urls


# ------------------------------------------------------------------------------------ on
def test_with_hosting_the_console_url_is_a_sign_in_and_sign_out_url():
    url = outputs(HOSTED)["ConsoleUrl"]
    assert url == f"https://{DOMAIN}/"
    client = properties("UserPoolClient")
    assert client["CallbackURLs"] == client["LogoutURLs"] == [url]  # not the placeholder example.com
    given = ["https://console.salon.example/", "https://x.example/"]
    client = properties("UserPoolClient", stack(ConsoleHosting="true", ConsoleCallbackUrls=given))
    assert client["CallbackURLs"] == client["LogoutURLs"] == [url, *given]


def test_the_bucket_is_private_encrypted_and_without_acls():
    bucket = properties("ConsoleBucket")
    assert bucket["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    (rule,) = bucket["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] in ("AES256", "aws:kms")
    assert bucket["OwnershipControls"]["Rules"] == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    assert "WebsiteConfiguration" not in bucket and "AccessControl" not in bucket


def _bucket_allows(action: str, resource: str, principal: dict[str, str] | str, **context: str) -> bool:
    policy = properties("ConsoleBucketPolicy")
    assert policy["Bucket"] == BUCKET
    statements = [
        {k: v for k, v in s.items() if k != "Principal"}
        for s in policy["PolicyDocument"]["Statement"]
        if s["Principal"] in ("*", principal)
    ]
    request = iam.Request(action, resource, tuple(context.items()))
    return iam.decide(statements, request, REGION).allowed


def test_only_this_distribution_reads_the_bucket_and_only_over_tls():
    cloudfront = {"Service": "cloudfront.amazonaws.com"}
    ours = f"arn:aws:cloudfront::{ACCOUNT}:distribution/{DISTRIBUTION_ID}"
    other = "arn:aws:cloudfront::999999999999:distribution/EOTHER"
    page = f"arn:aws:s3:::{BUCKET}/index.html"
    tls, plain = {"aws:SecureTransport": "true"}, {"aws:SecureTransport": "false"}
    assert _bucket_allows("s3:GetObject", page, cloudfront, **{"aws:SourceArn": ours}, **tls)
    assert not _bucket_allows("s3:GetObject", page, cloudfront, **{"aws:SourceArn": other}, **tls)
    assert not _bucket_allows("s3:GetObject", page, cloudfront, **tls)
    assert not _bucket_allows("s3:GetObject", page, {"AWS": "*"}, **tls)
    assert not _bucket_allows("s3:GetObject", page, cloudfront, **{"aws:SourceArn": ours}, **plain)
    for action in ("s3:ListBucket", "s3:PutObject", "s3:DeleteObject"):
        resource = f"arn:aws:s3:::{BUCKET}" + ("" if action == "s3:ListBucket" else "/index.html")
        assert not _bucket_allows(action, resource, cloudfront, **{"aws:SourceArn": ours}, **tls), action
    # a user of the account (its own policy allows s3:*) is refused over plain HTTP
    statements = properties("ConsoleBucketPolicy")["PolicyDocument"]["Statement"]
    deny = [{k: v for k, v in s.items() if k != "Principal"} for s in statements if s["Effect"] == "Deny"]
    admin = [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]
    assert not iam.decide(admin + deny, iam.Request("s3:PutObject", page, tuple(plain.items()))).allowed
    assert iam.decide(admin + deny, iam.Request("s3:PutObject", page, tuple(tls.items()))).allowed


def test_the_distribution_reads_the_bucket_through_origin_access_control():
    assert not [
        k for k, v in RESOURCES.items() if v["Type"] == "AWS::CloudFront::CloudFrontOriginAccessIdentity"
    ]
    oac = properties("ConsoleOriginAccessControl")["OriginAccessControlConfig"]
    assert (oac["OriginAccessControlOriginType"], oac["SigningBehavior"], oac["SigningProtocol"]) == (
        "s3",
        "always",
        "sigv4",
    )
    config = properties("ConsoleDistribution")["DistributionConfig"]
    (origin,) = config["Origins"]
    assert origin["DomainName"] == f"{BUCKET}.s3.{REGION}.amazonaws.com"
    assert origin["OriginAccessControlId"] == "E3OACEXAMPLE"
    assert origin["S3OriginConfig"] == {"OriginAccessIdentity": ""}
    assert config["Enabled"] is True and config["DefaultRootObject"] == "index.html"


def test_the_distribution_serves_a_single_page_application_over_https_only():
    config = properties("ConsoleDistribution")["DistributionConfig"]
    behaviours = [config["DefaultCacheBehavior"], *config["CacheBehaviors"]]
    for behaviour in behaviours:
        assert behaviour["ViewerProtocolPolicy"] == "redirect-to-https"
        assert behaviour["TargetOriginId"] == config["Origins"][0]["Id"]
        assert set(behaviour["AllowedMethods"]) == {"GET", "HEAD"}
        assert behaviour["ResponseHeadersPolicyId"] == (
            "booking-headers-id" if behaviour.get("PathPattern") == "/book.html" else "headers-policy-id"
        )
        assert behaviour["Compress"] is True
    fallback = {
        e["ErrorCode"]: (e["ResponseCode"], e["ResponsePagePath"], e["ErrorCachingMinTTL"])
        for e in config["CustomErrorResponses"]
    }
    assert fallback == {403: (200, "/index.html", 0), 404: (200, "/index.html", 0)}


def test_hashed_assets_are_cached_long_and_the_pages_not():
    config = properties("ConsoleDistribution")["DistributionConfig"]
    assert config["DefaultCacheBehavior"]["CachePolicyId"] == "pages-policy-id"
    assets, booking = config["CacheBehaviors"]
    assert assets["PathPattern"] == "/assets/*" and assets["CachePolicyId"] == "assets-policy-id"
    assert booking["PathPattern"] == "/book.html" and booking["CachePolicyId"] == "pages-policy-id"
    pages = properties("ConsolePagesCachePolicy")["CachePolicyConfig"]
    assert pages["MinTTL"] == pages["DefaultTTL"] == 0 and pages["MaxTTL"] <= 300
    long = properties("ConsoleAssetsCachePolicy")["CachePolicyConfig"]
    assert long["MinTTL"] >= 86400 and long["DefaultTTL"] == long["MaxTTL"] == 31536000
    for policy in (pages, long):
        key = policy["ParametersInCacheKeyAndForwardedToOrigin"]
        assert key["CookiesConfig"] == {"CookieBehavior": "none"}
        assert key["QueryStringsConfig"] == {"QueryStringBehavior": "none"}
    # what the deploy script uploads with matches: index.html and config.js revalidated, assets a year
    assert (
        console_deploy.cache_control("index.html") == console_deploy.cache_control("config.js") == "no-cache"
    )
    assert "max-age=31536000" in console_deploy.cache_control("assets/index-4f3a2b1c.js")
    names = [
        properties(k)[f"{RESOURCES[k]['Type'].rsplit('::', 1)[1]}Config"]["Name"]
        for k, v in hosting_resources().items()
        if v["Type"] != "AWS::CloudFront::Distribution" and v["Type"].startswith("AWS::CloudFront::")
    ]
    assert all(len(name) <= 64 for name in names), names  # an origin access control's name: at most 64


def test_the_security_headers():
    config = properties("ConsoleHeadersPolicy")["ResponseHeadersPolicyConfig"]
    headers = config["SecurityHeadersConfig"]
    hsts = headers["StrictTransportSecurity"]
    assert hsts["AccessControlMaxAgeSec"] >= 31536000 and hsts["IncludeSubdomains"] and hsts["Override"]
    assert headers["ContentTypeOptions"]["Override"] is True
    assert headers["FrameOptions"] == {"FrameOption": "DENY", "Override": True}
    assert headers["ReferrerPolicy"]["ReferrerPolicy"] in ("no-referrer", "strict-origin-when-cross-origin")
    assert all(h["Override"] is True for h in headers.values())
    policy = csp(headers["ContentSecurityPolicy"]["ContentSecurityPolicy"])
    assert policy["default-src"] == ["'none'"]
    # styles: the console's own files; inline only as style attributes, which the calendar positions
    # its events with (no <style> element, no inline script)
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["style-src-attr"] == ["'unsafe-inline'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]
    everything = " ".join(" ".join(v) for k, v in policy.items() if k != "style-src-attr")
    assert "unsafe" not in everything and "*" not in everything and "http:" not in everything
    assert len(headers["ContentSecurityPolicy"]["ContentSecurityPolicy"]) <= 1783  # CloudFront's limit


def test_the_booking_page_may_be_framed_by_a_salons_site_and_nothing_else_may():
    """The widget opens book.html in an iframe on the salon's own (https) site; the console and the
    pages with one-tap buttons (manage, offer, feedback, waitlist) are framed by nobody."""
    config = properties("ConsoleDistribution")["DistributionConfig"]
    by_path = {b["PathPattern"]: b["ResponseHeadersPolicyId"] for b in config["CacheBehaviors"]}
    assert by_path["/book.html"] == "booking-headers-id"
    assert config["DefaultCacheBehavior"]["ResponseHeadersPolicyId"] == "headers-policy-id"
    assert [p for p, policy in by_path.items() if policy == "booking-headers-id"] == ["/book.html"]
    console = properties("ConsoleHeadersPolicy")["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    booking = properties("BookingPageHeadersPolicy")["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    assert "FrameOptions" not in booking  # X-Frame-Options has no "any site"; frame-ancestors says it
    assert {k: v for k, v in console.items() if k not in ("FrameOptions", "ContentSecurityPolicy")} == {
        k: v for k, v in booking.items() if k != "ContentSecurityPolicy"
    }
    console_csp = csp(console["ContentSecurityPolicy"]["ContentSecurityPolicy"])
    booking_csp = csp(booking["ContentSecurityPolicy"]["ContentSecurityPolicy"])
    assert booking_csp["frame-ancestors"] == ["https:"]
    # it talks to the API alone (no sign-in), and is otherwise held as the console is
    assert booking_csp["connect-src"] == ["'self'", f"https://{API_ID}.execute-api.{REGION}.amazonaws.com"]
    same = set(console_csp) - {"frame-ancestors", "connect-src"}
    assert {k: booking_csp[k] for k in same} == {k: console_csp[k] for k in same}
    assert set(booking_csp) == set(console_csp)


def _origin(url: str) -> str:
    scheme, rest = url.split("://", 1)
    return f"{scheme}://{rest.split('/', 1)[0]}"


def test_the_console_may_talk_to_exactly_the_api_and_cognito_it_is_configured_with():
    headers = properties("ConsoleHeadersPolicy")["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    connect = csp(headers["ContentSecurityPolicy"]["ContentSecurityPolicy"])["connect-src"]
    config = console_deploy.console_config(outputs(HOSTED))
    assert config["auth"]["authority"] == f"https://cognito-idp.{REGION}.amazonaws.com/{POOL}"
    wanted = {
        _origin(config["api"]),
        _origin(config["auth"]["authority"]),
        _origin(config["auth"]["domain"]),
    }
    assert wanted == {
        f"https://{API_ID}.execute-api.{REGION}.amazonaws.com",
        f"https://cognito-idp.{REGION}.amazonaws.com",
        f"https://{POOL_DOMAIN}.auth.{REGION}.amazoncognito.com",
    }
    assert sorted(connect) == sorted(["'self'", *wanted])


def test_the_api_lets_the_hosted_console_call_it_with_its_token_and_nothing_more():
    """Another origin than the API's: CORS allows any origin, without credentials (the token is a
    header, never a cookie), and the preflight allows the Authorization header."""
    cors = RESOURCES["Api"]["Properties"]["Cors"]
    assert cors["AllowOrigin"] == "'*'"
    assert "AllowCredentials" not in cors
    assert "Authorization" in cors["AllowHeaders"].strip("'").split(",")
    for name, response in RESOURCES["Api"]["Properties"]["GatewayResponses"].items():
        headers = response["ResponseParameters"]["Headers"]
        assert headers["Access-Control-Allow-Origin"] == "'*'", name  # a 401 the console can read
        assert "Access-Control-Allow-Credentials" not in headers
