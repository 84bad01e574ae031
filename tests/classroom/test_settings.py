"""Classroom settings: where classes are kept and how many a server and a class hold."""

from pathlib import Path

import pytest

from cnnviz.classroom.limits import ClassLimits
from cnnviz.settings import Settings, SettingsError


def test_classes_are_kept_beside_the_models_unless_told_otherwise(tmp_path: Path) -> None:
    env = {"CNNVIZ_MODELS_DIR": str(tmp_path / "data" / "models")}
    settings = Settings.from_env(env)
    assert settings.classes_path == tmp_path / "data" / "classes"
    assert (settings.max_classes, settings.max_students) == (50, 200)
    told = Settings.from_env(
        {
            **env,
            "CNNVIZ_CLASSES_DIR": str(tmp_path / "lessons"),
            "CNNVIZ_MAX_CLASSES": "3",
            "CNNVIZ_MAX_STUDENTS": "30",
        }
    )
    assert told.classes_path == tmp_path / "lessons"
    limits = ClassLimits.from_settings(told)
    assert (limits.max_classes, limits.max_students) == (3, 30)


@pytest.mark.parametrize("name", ["CNNVIZ_MAX_CLASSES", "CNNVIZ_MAX_STUDENTS"])
def test_a_limit_below_one_stops_the_server(name: str) -> None:
    with pytest.raises(SettingsError, match=f"{name}=0 must be a whole number"):
        Settings.from_env({name: "0"})
