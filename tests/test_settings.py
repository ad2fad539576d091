"""Settings.from_env: typed values, every bad key named at once, the token never shown."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from bot.settings import SCOPE_ALL, SCOPE_OWN, Settings, SettingsError

ENV_EXAMPLE = Path(__file__).resolve().parents[1] / ".env.example"
TOKEN = "123456789:AAHk-secret_token_value_0123456789"


class RecordingEnv(Mapping[str, str]):
    """An environment that remembers which keys were looked up."""

    def __init__(self, values: dict[str, str]) -> None:
        self.values, self.read = values, set()

    def __getitem__(self, key: str) -> str:
        self.read.add(key)
        return self.values[key]

    def get(self, key, default=None):
        self.read.add(key)
        return self.values.get(key, default)

    def __iter__(self) -> Iterator[str]:
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)


def example_entries() -> list[tuple[str, str, str]]:
    """(comment above, key, value) for every key in .env.example."""
    entries, comment = [], ""
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            comment = line
        elif "=" in line:
            key, _, value = line.partition("=")
            entries.append((comment, key.strip(), value.strip()))
            comment = ""
        else:
            comment = ""
    return entries


def test_no_environment_gives_the_documented_defaults():
    settings = Settings.from_env({})
    assert settings == Settings()
    assert settings.telegram_bot_token is None
    assert settings.library_path == "data/library.sqlite3"
    assert settings.articles == "sample"
    assert settings.group_scope_default == SCOPE_ALL
    assert settings.flood_limit == 10


def test_env_example_lists_exactly_the_keys_settings_reads():
    env = RecordingEnv({})
    Settings.from_env(env)
    assert sorted(key for _, key, _ in example_entries()) == sorted(env.read)


def test_every_key_in_env_example_has_a_comment_above_it_and_token_comes_first():
    entries = example_entries()
    assert entries[0][1] == "TELEGRAM_BOT_TOKEN"
    assert [key for comment, key, _ in entries if not comment] == []


def test_env_example_values_are_the_defaults():
    assert Settings.from_env({key: value for _, key, value in example_entries()}) == Settings()


def test_every_bad_key_is_named_in_one_error():
    with pytest.raises(SettingsError) as caught:
        Settings.from_env(
            {
                "ADMIN_USER_IDS": "12, abc",
                "MAX_DOCUMENT_MB": "-1",
                "FLOOD_LIMIT": "ten",
                "GROUP_SCOPE_DEFAULT": "everything",
                "WEBHOOK_PORT": "70000",
                "TELEGRAM_API_BASE_URL": "ftp://example.com/bot",
                "LOG_LEVEL": "LOUD",
                "FETCH_ALLOW_PRIVATE": "maybe",
            }
        )
    problems = caught.value.problems
    assert set(problems) == {
        "ADMIN_USER_IDS",
        "MAX_DOCUMENT_MB",
        "FLOOD_LIMIT",
        "GROUP_SCOPE_DEFAULT",
        "WEBHOOK_PORT",
        "TELEGRAM_API_BASE_URL",
        "LOG_LEVEL",
        "FETCH_ALLOW_PRIVATE",
    }
    assert "'abc'" in problems["ADMIN_USER_IDS"]
    assert all(key in str(caught.value) for key in problems)


def test_token_never_shows_in_repr_str_or_hint():
    settings = Settings.from_env({"TELEGRAM_BOT_TOKEN": TOKEN, "WEBHOOK_SECRET": "s3cret_value"})
    assert settings.telegram_bot_token == TOKEN
    for shown in (repr(settings), str(settings), settings.token_hint):
        assert TOKEN not in shown
        assert "AAHk" not in shown
        assert "s3cret_value" not in shown
    assert settings.token_hint == "123456789:…"


def test_a_malformed_token_is_refused_without_echoing_it():
    with pytest.raises(SettingsError) as caught:
        Settings.from_env({"TELEGRAM_BOT_TOKEN": "not-a-token-AAHk-secretish"})
    assert set(caught.value.problems) == {"TELEGRAM_BOT_TOKEN"}
    assert "secretish" not in str(caught.value)


def test_file_url_is_derived_from_a_self_hosted_base_url():
    settings = Settings.from_env({"TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081/bot/"})
    assert settings.telegram_api_base_url == "http://127.0.0.1:8081/bot"
    assert settings.telegram_api_file_url == "http://127.0.0.1:8081/file/bot"


def test_an_explicit_file_url_wins():
    settings = Settings.from_env(
        {"TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081/bot", "TELEGRAM_API_FILE_URL": "http://127.0.0.1:9/f"}
    )
    assert settings.telegram_api_file_url == "http://127.0.0.1:9/f"


def test_id_lists_take_spaces_negative_channel_ids_and_trailing_commas():
    settings = Settings.from_env({"ADMIN_USER_IDS": " 1, 22 ,333,", "ALLOWED_CHANNEL_IDS": "-1001234567890"})
    assert settings.admin_user_ids == frozenset({1, 22, 333})
    assert settings.allowed_channel_ids == frozenset({-1001234567890})


def test_empty_articles_means_add_nothing_at_start():
    assert Settings.from_env({"CITEBOT_ARTICLES": ""}).articles is None
    assert Settings.from_env({"CITEBOT_ARTICLES": "news/"}).articles == "news/"


def test_scope_accepts_own_all_and_own_plus_global():
    assert Settings.from_env({"GROUP_SCOPE_DEFAULT": "own"}).group_scope_default == SCOPE_OWN
    assert Settings.from_env({"GROUP_SCOPE_DEFAULT": "all"}).group_scope_default == SCOPE_ALL
    assert Settings.from_env({"GROUP_SCOPE_DEFAULT": "own+global"}).group_scope_default == SCOPE_ALL


def test_rate_limits_can_be_turned_off_with_zero():
    settings = Settings.from_env({"RATE_LIMIT_PER_SECOND": "0", "RATE_LIMIT_GROUP_PER_MINUTE": "0"})
    assert (settings.rate_limit_per_second, settings.rate_limit_group_per_minute) == (0.0, 0.0)


def test_bot_state_file_sits_next_to_the_library():
    assert Settings(library_path="data/library.sqlite3").bot_state_path == "data/library.bot.sqlite3"
    assert Settings(library_path=":memory:").bot_state_path == ":memory:"


def test_log_level_is_case_insensitive_and_maps_to_logging():
    settings = Settings.from_env({"LOG_LEVEL": "debug"})
    assert (settings.log_level, settings.log_level_number) == ("DEBUG", 10)
