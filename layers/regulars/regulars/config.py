"""Environment settings, validated once at cold start (a pydantic model, not scattered getenv)."""

from __future__ import annotations

import os
from functools import lru_cache

from pydantic import BaseModel, Field


class Settings(BaseModel):
    table_name: str = Field(default="regulars", description="The single DynamoDB table")
    region: str = Field(default="us-east-1")
    public_base_url: str = Field(default="http://127.0.0.1:3000", description="Where clients open links")
    manage_link_secret: str | None = Field(default=None, description="HMAC key for manage links (local)")
    manage_link_secret_parameter: str | None = Field(
        default=None, description="SSM SecureString holding the manage-link key (AWS)"
    )
    catalog_cache_seconds: float = Field(default=30.0, ge=0)

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        return cls(
            table_name=env.get("TABLE_NAME", "regulars"),
            region=env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1",
            public_base_url=env.get("PUBLIC_BASE_URL", "http://127.0.0.1:3000").rstrip("/"),
            manage_link_secret=env.get("MANAGE_LINK_SECRET") or None,
            manage_link_secret_parameter=env.get("MANAGE_LINK_SECRET_PARAMETER") or None,
            catalog_cache_seconds=float(env.get("CATALOG_CACHE_SECONDS", "30")),
        )


@lru_cache(maxsize=1)
def settings() -> Settings:
    return Settings.from_env()


def manage_link_secret() -> bytes:
    """The manage-link key: from the environment locally, from SSM (decrypted, cached) in AWS."""
    s = settings()
    if s.manage_link_secret:
        return s.manage_link_secret.encode()
    if s.manage_link_secret_parameter:
        from aws_lambda_powertools.utilities import parameters  # lazy: only when a link is made

        value = parameters.get_parameter(s.manage_link_secret_parameter, decrypt=True, max_age=300)
        return str(value).encode()
    raise RuntimeError("no manage-link key configured (MANAGE_LINK_SECRET or MANAGE_LINK_SECRET_PARAMETER)")
