"""The moto patches refuse a moto they were not written for."""

import pytest

from grader.emulator import moto_fixes


def test_apply_refuses_another_moto_version_naming_both(monkeypatch):
    monkeypatch.setattr(moto_fixes.moto, "__version__", "5.3.0")

    with pytest.raises(moto_fixes.MotoVersionMismatch) as caught:
        moto_fixes.apply()

    assert "5.3.0" in str(caught.value) and moto_fixes.MOTO_VERSION in str(caught.value)


def test_apply_runs_on_the_version_it_was_written_for():
    assert moto_fixes.moto.__version__ == moto_fixes.MOTO_VERSION
    moto_fixes.apply()
    moto_fixes.apply()  # idempotent
