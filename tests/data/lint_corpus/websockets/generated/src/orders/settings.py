"""Settings of the service, read from environment variables prefixed with ORDERS_ (abridged)."""

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ORDERS_")

    cors_allow_origins: list[str] = ["http://localhost:8080"]
    cors_allow_origin_regex: str | None = None
    cors_allow_credentials: bool = True
    cors_allow_methods: list[str] = ["GET", "POST"]
    cors_allow_headers: list[str] = []
    cors_expose_headers: list[str] = []
    cors_max_age: int = 600
    cors_cross_origin_protection: bool = True


def load_settings() -> Settings:
    return Settings()
