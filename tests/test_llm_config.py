"""EndpointConfig and load_config: TOML [llm] table, environment variables, overrides, validation errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from hypsearch.core.errors import ConfigError
from hypsearch.llm.config import EndpointConfig, load_config, model_rejects_temperature


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "hypsearch.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_env_only_mirrors_the_openai_client() -> None:
    env = {"OPENAI_BASE_URL": "http://127.0.0.1:9999/v1/", "OPENAI_API_KEY": "sk-env",
           "HYPSEARCH_LLM_MODEL": "qwen2.5-7b", "HYPSEARCH_LLM_BACKEND": "vllm"}
    cfg = load_config(env=env)
    assert cfg.base_url == "http://127.0.0.1:9999/v1"
    assert cfg.api_key == "sk-env"
    assert cfg.model == "qwen2.5-7b"
    assert cfg.backend == "vllm"
    assert cfg.supports_n is True and cfg.reject_temperature is False
    assert "sk-env" not in repr(cfg)  # the key never shows in logs


def test_defaults_without_env_use_the_openai_default_url() -> None:
    cfg = load_config(env={"OPENAI_API_KEY": "sk"})
    assert cfg.base_url == "https://api.openai.com/v1"
    assert cfg.backend == "openai"


def test_missing_key_is_a_clear_error_for_openai_but_not_for_local_servers() -> None:
    with pytest.raises(ConfigError, match="OPENAI_API_KEY"):
        load_config(env={})
    cfg = load_config(env={"HYPSEARCH_LLM_BACKEND": "llamacpp", "OPENAI_BASE_URL": "http://localhost:8080/v1"})
    assert cfg.api_key == "EMPTY"
    assert cfg.supports_n is False


def test_file_settings_win_over_env_and_overrides_win_over_file(tmp_path: Path) -> None:
    path = write(tmp_path, """
[llm]
base_url = "http://10.0.0.1:8000/v1"
model = "file-model"
backend = "vllm"
temperature = 0.8
max_tokens = 256
timeout_s = 12.5
max_concurrency = 8
max_retries = 5
supports_n = false
extra = { top_k = 20 }
price_input_per_1k = 0.5
price_output_per_1k = 1.5
""")
    env = {"OPENAI_BASE_URL": "http://ignored:1/v1", "HYPSEARCH_LLM_MODEL": "env-model", "OPENAI_API_KEY": "k"}
    cfg = load_config(path, env=env, max_retries=1, temperature=None)
    assert cfg.base_url == "http://10.0.0.1:8000/v1"
    assert cfg.model == "file-model"
    assert cfg.temperature == 0.8  # a None override means "not given"
    assert cfg.max_retries == 1
    assert (cfg.timeout_s, cfg.max_concurrency, cfg.max_tokens) == (12.5, 8, 256)
    assert cfg.supports_n is False
    assert cfg.extra == {"top_k": 20}
    assert cfg.cost(1000, 2000) == pytest.approx(0.5 + 3.0)


def test_api_key_env_names_the_variable_holding_the_key(tmp_path: Path) -> None:
    path = write(tmp_path, '[llm]\napi_key_env = "MY_KEY"\n')
    assert load_config(path, env={"MY_KEY": "sk-mine"}).api_key == "sk-mine"
    with pytest.raises(ConfigError, match="MY_KEY"):
        load_config(path, env={})


@pytest.mark.parametrize(("model", "rejects"), [
    ("o1", True), ("o1-mini", True), ("o3-mini", True), ("o4-mini-2025-04-16", True), ("gpt-5", True),
    ("gpt-5-mini", True), ("openai/gpt-5-nano", True), ("gpt-5-chat-latest", False), ("gpt-4o", False),
    ("gpt-4.1-mini", False), ("qwen2.5-coder", False), ("llama-3-o1-style", False), ("o10", False),
])
def test_reasoning_models_reject_temperature(model: str, rejects: bool) -> None:
    assert model_rejects_temperature(model) is rejects
    cfg = EndpointConfig(api_key="k", model=model)
    assert cfg.reject_temperature is rejects


def test_explicit_reject_temperature_overrides_the_name_rule() -> None:
    assert EndpointConfig(api_key="k", model="my-finetune", reject_temperature=True).reject_temperature is True


@pytest.mark.parametrize(("toml", "message"), [
    ('[llm]\nmodle = "x"\n', "unknown key"),
    ('[llm]\nbackend = "tgi"\n', "backend must be one of"),
    ('[llm]\nbase_url = "localhost:8000"\n', "base_url must be an http"),
    ('[llm]\ntimeout_s = 0\n', "timeout_s"),
    ('[llm]\ntimeout_s = "fast"\n', "timeout_s must be a number"),
    ('[llm]\nmax_concurrency = 0\n', "max_concurrency"),
    ('[llm]\nmax_retries = -1\n', "max_retries"),
    ('[llm]\ntemperature = 3.0\n', "temperature"),
    ('[llm]\ntop_p = 0\n', "top_p"),
    ('[llm]\nmax_tokens = 1.5\n', "max_tokens"),
    ('[llm]\nsupports_n = "yes"\n', "supports_n"),
    ('[llm]\nmodel = ""\n', "model must be a non-empty"),
    ('[llm]\nextra = 3\n', "extra"),
    ('llm = 3\n', "must be a table"),
    ('[llm\n', "invalid TOML"),
])
def test_invalid_settings_raise_config_error(tmp_path: Path, toml: str, message: str) -> None:
    path = write(tmp_path, toml)
    with pytest.raises(ConfigError, match=message):
        load_config(path, env={"OPENAI_API_KEY": "k"})


def test_missing_file_and_unknown_override_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "absent.toml", env={"OPENAI_API_KEY": "k"})
    with pytest.raises(ConfigError, match="unknown LLM setting"):
        load_config(env={"OPENAI_API_KEY": "k"}, temprature=0.1)


def test_config_is_frozen() -> None:
    cfg = EndpointConfig(api_key="k")
    with pytest.raises(AttributeError):
        cfg.model = "other"  # type: ignore[misc]
