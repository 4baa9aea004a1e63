"""labs/engine.py: the engine's configuration comes from settings."""

from grader.config import EngineConfig
from labs.engine import engine_config


def test_the_engine_config_is_built_from_settings(settings):
    settings.SANDBOX_BWRAP = "/opt/bubblewrap/bin/bwrap"
    settings.SANDBOX_UID = 4242
    settings.SANDBOX_REQUIRE_ISOLATION = False

    assert engine_config() == EngineConfig(uid=4242, bwrap="/opt/bubblewrap/bin/bwrap", require_isolation=False)
