import pytest
from django.core.exceptions import ImproperlyConfigured

from redrive.env import env_bool, env_int, env_url


def test_env_bool_accepts_common_spellings(monkeypatch):
    monkeypatch.setenv("X_FLAG", "Yes")
    assert env_bool("X_FLAG", False) is True
    monkeypatch.setenv("X_FLAG", "0")
    assert env_bool("X_FLAG", True) is False


def test_env_bool_rejects_nonsense_with_the_name_and_value(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG must be a boolean .* got 'maybe'"):
        env_bool("X_FLAG", False)


def test_env_int_checks_type_and_range(monkeypatch):
    monkeypatch.setenv("X_NUM", "ten")
    with pytest.raises(ImproperlyConfigured, match="X_NUM must be a whole number, got 'ten'"):
        env_int("X_NUM", 1)
    monkeypatch.setenv("X_NUM", "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env_int("X_NUM", 1, minimum=1)


def test_env_url_names_the_allowed_schemes(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "mysql://x")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL must start with one of sqlite://, postgres://"):
        env_url("DATABASE_URL", "sqlite:///x", schemes=("sqlite", "postgres"))


def test_settings_refuse_to_start_without_a_secret_key_when_debug_is_off(tmp_path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    env.update({"DEBUG": "0", "REDRIVE_VAR_DIR": str(tmp_path)})
    result = subprocess.run(
        [sys.executable, "-c", "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='redrive.settings'; django.setup()"],
        env=env, capture_output=True, text=True, cwd=os.path.dirname(os.path.dirname(__file__)),
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def _settings_in_a_fresh_process(tmp_path, print_expression: str, **environment):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("SANDBOX_BWRAP", "REDIS_URL")}
    env.update({"REDRIVE_VAR_DIR": str(tmp_path), **environment})
    return subprocess.run(
        [sys.executable, "-c", f"import django, os; os.environ['DJANGO_SETTINGS_MODULE']='redrive.settings'; django.setup(); from django.conf import settings; print({print_expression})"],
        env=env, capture_output=True, text=True, cwd=os.path.dirname(os.path.dirname(__file__)),
    )


def test_sandbox_bwrap_is_read_from_the_environment(tmp_path):
    result = _settings_in_a_fresh_process(tmp_path, "settings.SANDBOX_BWRAP", SANDBOX_BWRAP="/opt/bubblewrap/bin/bwrap")
    assert result.stdout.strip() == "/opt/bubblewrap/bin/bwrap", result.stderr
    refused = _settings_in_a_fresh_process(tmp_path, "settings.SANDBOX_BWRAP", SANDBOX_BWRAP="bwrap")
    assert refused.returncode != 0
    assert "SANDBOX_BWRAP must be an absolute path" in refused.stderr


def test_the_file_system_brokers_control_folder_is_under_var(tmp_path):
    result = _settings_in_a_fresh_process(tmp_path, "settings.CELERY_BROKER_TRANSPORT_OPTIONS['control_folder']")
    assert result.stdout.strip() == str(tmp_path / "broker" / "control"), result.stderr


def test_mail_is_printed_to_the_console_without_an_smtp_host(tmp_path):
    result = _settings_in_a_fresh_process(tmp_path, "settings.EMAIL_BACKEND", EMAIL_HOST="")
    assert result.stdout.strip() == "django.core.mail.backends.console.EmailBackend", result.stderr


def test_smtp_is_configured_from_the_environment(tmp_path):
    expression = "(settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD, settings.EMAIL_USE_TLS, settings.DEFAULT_FROM_EMAIL)"
    result = _settings_in_a_fresh_process(
        tmp_path, expression, EMAIL_HOST="smtp.example.org", EMAIL_PORT="2525", EMAIL_HOST_USER="mailer",
        EMAIL_HOST_PASSWORD="s3cret", EMAIL_USE_TLS="no", DEFAULT_FROM_EMAIL="Course <course@example.org>",
    )
    assert result.stdout.strip() == str(
        ("django.core.mail.backends.smtp.EmailBackend", "smtp.example.org", 2525, "mailer", "s3cret", False, "Course <course@example.org>")
    ), result.stderr
    refused = _settings_in_a_fresh_process(tmp_path, "settings.EMAIL_PORT", EMAIL_PORT="smtp")
    assert refused.returncode != 0 and "EMAIL_PORT must be a whole number" in refused.stderr
