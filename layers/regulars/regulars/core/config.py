"""Environment settings, validated once at cold start (a pydantic model, not scattered getenv)."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache

from pydantic import BaseModel, Field


class Settings(BaseModel):
    table_name: str = Field(default="regulars", description="The single DynamoDB table")
    region: str = Field(default="us-east-1")
    public_base_url: str = Field(default="http://127.0.0.1:3000", description="Where clients open links")
    short_link_base_url: str | None = Field(
        default=None,
        description="The origin of the short links in messages ({base}/s/{code}); default: public_base_url. "
        "A host of at most 11 characters over https keeps a link within 30 characters",
    )
    manage_link_secret: str | None = Field(default=None, description="HMAC key for manage links (local)")
    manage_link_secret_parameter: str | None = Field(
        default=None, description="SSM SecureString holding the manage-link key (AWS)"
    )
    catalog_cache_seconds: float = Field(default=30.0, ge=0)
    channels: tuple[str, ...] = Field(
        default=("push", "telegram", "whatsapp", "sms"), description="Channels this deployment can send on"
    )
    messages_topic_arn: str | None = Field(
        default=None, description="Out-bound messages, by channel attribute"
    )
    telegram_api_base: str = "https://api.telegram.org"
    telegram_bot_username: str | None = None
    whatsapp_api_base: str = "https://graph.facebook.com"
    whatsapp_api_version: str = "v21.0"
    whatsapp_phone_number_id: str | None = None
    sms_sender_id: str | None = None
    sms_prices_micros: dict[str, int] = Field(
        default_factory=lambda: {"default": 8000}, description="Price of one SMS part by country calling code"
    )
    provider_timeout_seconds: float = Field(default=10.0, gt=0)
    push_platform_application_arn: str | None = Field(
        default=None, description="SNS platform application (FCM)"
    )

    @property
    def short_links_at(self) -> str:
        """The origin short links are made on (``{origin}/s/{code}``)."""
        return self.short_link_base_url or self.public_base_url

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        return cls(
            table_name=env.get("TABLE_NAME", "regulars"),
            region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1",
            public_base_url=env.get("PUBLIC_BASE_URL", "http://127.0.0.1:3000").rstrip("/"),
            short_link_base_url=(env.get("SHORT_LINK_BASE_URL") or "").rstrip("/") or None,
            manage_link_secret=env.get("MANAGE_LINK_SECRET") or None,
            manage_link_secret_parameter=env.get("MANAGE_LINK_SECRET_PARAMETER") or None,
            catalog_cache_seconds=float(env.get("CATALOG_CACHE_SECONDS", "30")),
            channels=tuple(
                c.strip()
                for c in env.get("MESSAGE_CHANNELS", "push,telegram,whatsapp,sms").split(",")
                if c.strip()
            ),
            messages_topic_arn=env.get("MESSAGES_TOPIC_ARN") or None,
            telegram_api_base=env.get("TELEGRAM_API_BASE") or "https://api.telegram.org",
            telegram_bot_username=env.get("TELEGRAM_BOT_USERNAME") or None,
            whatsapp_api_base=env.get("WHATSAPP_API_BASE") or "https://graph.facebook.com",
            whatsapp_api_version=env.get("WHATSAPP_API_VERSION") or "v21.0",
            whatsapp_phone_number_id=env.get("WHATSAPP_PHONE_NUMBER_ID") or None,
            sms_sender_id=env.get("SMS_SENDER_ID") or None,
            sms_prices_micros=json.loads(env.get("SMS_PRICES_MICROS") or '{"default": 8000}'),
            provider_timeout_seconds=float(env.get("PROVIDER_TIMEOUT_SECONDS", "10")),
            push_platform_application_arn=env.get("PUSH_PLATFORM_APPLICATION_ARN") or None,
        )


@lru_cache(maxsize=1)
def settings() -> Settings:
    return Settings.from_env()


def secret(name: str) -> str | None:
    """A credential: ``NAME`` from the environment locally, or the SSM SecureString named by
    ``NAME_PARAMETER`` in AWS (decrypted, cached five minutes); None when neither is set."""
    value = os.environ.get(name)
    if value:
        return value
    parameter = os.environ.get(f"{name}_PARAMETER")
    if parameter:
        from aws_lambda_powertools.utilities import parameters  # lazy: only where a credential is used

        return str(parameters.get_parameter(parameter, decrypt=True, max_age=300))
    return None


@dataclass(frozen=True)
class KeyRing:
    """The keys links are signed with: the first signs, every one verifies (a rotation puts a new
    key first and keeps the previous one until the links it signed have expired). Each key has an
    id that the link carries, so verifying never tries keys in turn."""

    keys: tuple[tuple[str, bytes], ...]

    @classmethod
    def parse(cls, text: str) -> KeyRing:
        """``kid:secret`` entries separated by commas or spaces, the current one first; a bare
        secret (no ``kid:``) gets an id derived from it."""
        keys = []
        for entry in text.replace(",", " ").split():
            kid, sep, value = entry.partition(":")
            if not sep:
                kid, value = _derived_kid(entry.encode()), entry
            if not KID.fullmatch(kid) or len(value) < 16:
                raise ValueError(
                    "a link key is kid:secret with a kid of 1-16 letters, digits, _ or - "
                    "and a secret of at least 16 characters"
                )
            keys.append((kid, value.encode()))
        if not keys:
            raise ValueError("no link key")
        if len({k for k, _ in keys}) != len(keys):
            raise ValueError("link key ids must differ")
        return cls(tuple(keys))

    @classmethod
    def of(cls, key: bytes) -> KeyRing:
        """A ring of one key (tests, tools)."""
        return cls(((_derived_kid(key), key),))

    @property
    def current(self) -> tuple[str, bytes]:
        return self.keys[0]

    def get(self, kid: str) -> bytes | None:
        return next((key for k, key in self.keys if k == kid), None)


KID = re.compile(r"[A-Za-z0-9_-]{1,16}")


def _derived_kid(key: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(b"kid:" + key).digest()).decode()[:6]


def link_keys() -> KeyRing:
    """The link keys: ``MANAGE_LINK_SECRET`` locally, the SSM SecureString named by
    ``MANAGE_LINK_SECRET_PARAMETER`` in AWS (decrypted, cached five minutes)."""
    value = secret("MANAGE_LINK_SECRET")
    if value is None:
        raise RuntimeError(
            "no manage-link key configured (MANAGE_LINK_SECRET or MANAGE_LINK_SECRET_PARAMETER)"
        )
    return _ring(value)


@lru_cache(maxsize=4)
def _ring(value: str) -> KeyRing:
    return KeyRing.parse(value)


def manage_link_secret() -> bytes:
    """The current link key, for what is derived from a key rather than signed (a keyed hash)."""
    return link_keys().current[1]
