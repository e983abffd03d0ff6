"""A service's own pydantic settings: the CORS list defaults to empty and is set per environment."""

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="APP_")

    cors_origins: list[str] = []
    cors_allow_credentials: bool = True
    database_url: str = "sqlite:///./app.db"


settings = Settings()
