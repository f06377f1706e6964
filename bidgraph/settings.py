"""All settings in one place: ``BIDGRAPH_*`` environment variables, an optional TOML
config file (``BIDGRAPH_CONFIG``, default ``./bidgraph.toml``) and laptop defaults."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)


def _config_file() -> Path:
    return Path(os.environ.get("BIDGRAPH_CONFIG", "bidgraph.toml"))


class Settings(BaseSettings):
    """Runtime configuration. Field ``foo`` is read from ``BIDGRAPH_FOO``."""

    model_config = SettingsConfigDict(env_prefix="BIDGRAPH_", extra="ignore", frozen=True)

    graph_url: str = Field(
        "",
        description="Empty: embedded FalkorDB in data_dir. falkordb://host:port, "
        "bolt://, neo4j://, neo4j+s:// for a server.",
    )
    graph_user: str = Field("neo4j", description="User name for Neo4j (or FalkorDB ACL user).")
    graph_password: SecretStr = Field(SecretStr(""), description="Password for a server backend.")
    graph_name: str = Field("bidgraph", description="FalkorDB graph key / Neo4j database name.")
    neo4j_database: str = Field("", description="Neo4j database; empty means the server default.")
    neo4j_scratch_database: str = Field(
        "", description="Neo4j database that evaluate/bench may wipe; empty: they refuse to run on Neo4j."
    )
    neo4j_notifications: str = Field(
        "OFF",
        pattern="^(OFF|WARNING|INFORMATION)$",
        description="Lowest severity of Neo4j server notifications to receive (OFF: none).",
    )
    data_dir: Path = Field(Path(".bidgraph"), description="Embedded database, user queries, cases, audit log.")
    query_timeout_ms: int = Field(30_000, ge=100, description="Timeout of one statement.")
    row_limit: int = Field(10_000, ge=1, description="Rows returned to the UI from one query.")
    socket_timeout_s: float = Field(
        60.0, gt=0, description="Seconds without any answer from the database before a command fails (never hangs)."
    )
    query_memory_mb: int = Field(1024, ge=0, description="Memory one query may use in the embedded server; 0: no cap.")
    user_query_slots: int = Field(1, ge=1, description="Free Cypher queries one analyst may run at the same time.")
    write_batch_size: int = Field(2_000, ge=1, description="Rows per UNWIND write statement.")
    bulk_first_load: bool = Field(
        True, description="Load into an empty FalkorDB graph with GRAPH.BULK (same graph as MERGE, much faster)."
    )
    price_warn_yuan: float = Field(
        10_000_000_000, gt=0, description="Amounts (元) above this load with a warning naming file, row, column."
    )
    query_dir: Path | None = Field(None, description="Analysts' saved queries; empty: <data_dir>/queries.")
    embedded_tcp_port: int = Field(0, ge=0, description="0: Unix socket only. >0: also listen on 127.0.0.1.")
    alert_days_high: int = Field(
        5, ge=1, description="Days to handle an alert of a high-severity finding (score ≥ 70)."
    )
    alert_days_medium: int = Field(10, ge=1, description="Days to handle an alert of a medium finding (score 40–69).")
    alert_days_low: int = Field(20, ge=1, description="Days to handle an alert of a low finding (score < 40).")
    alerts_on_load: bool = Field(True, description="Raise alerts at the end of every successful load.")
    smtp_host: str = Field("", description="SMTP server for the daily alert digest; empty: files only, no network.")
    smtp_port: int = Field(25, ge=1, description="Port of the SMTP server.")
    smtp_sender: str = Field("bidgraph@localhost", description="From address of digest e-mails.")
    digest_recipients: dict[str, str] = Field(
        default_factory=dict, description="Department code or name → e-mail address(es) for the digest."
    )
    user: str = Field("", description="Workbench user (login name in the user directory), set by SSO/proxy.")
    audit_key_file: Path | None = Field(
        None, description="HMAC key of the audit log; empty: <data_dir>/audit.key (created 0600 on first use)."
    )
    package_key_file: Path | None = Field(
        None, description="HMAC key that signs export packages (set by the administrator); empty: unsigned."
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml = TomlConfigSettingsSource(settings_cls, toml_file=_config_file())
        return (init_settings, env_settings, toml)

    @property
    def backend(self) -> str:
        """``embedded``, ``falkordb`` or ``neo4j``."""
        url = self.graph_url.strip()
        if not url:
            return "embedded"
        if url.startswith(("falkordb://", "redis://", "rediss://", "falkordbs://")):
            return "falkordb"
        if url.startswith(("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://")):
            return "neo4j"
        from bidgraph.errors import ConfigError

        raise ConfigError(
            f"无法识别的图数据库地址 BIDGRAPH_GRAPH_URL={url!r}：应为空（内置 FalkorDB）、"
            "falkordb://主机:端口，或 bolt:// / neo4j:// / neo4j+s:// 开头的 Neo4j 地址"
        )

    @property
    def user_query_dir(self) -> Path:
        return self.query_dir or self.data_dir / "queries"


@lru_cache(maxsize=1)
def get_settings(**overrides: Any) -> Settings:
    """The process-wide settings (cached; tests build their own ``Settings``)."""
    return Settings(**overrides)
