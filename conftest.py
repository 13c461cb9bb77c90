import pytest


@pytest.fixture(autouse=True)
def _media_and_var(tmp_path, settings):
    """Keep anything a test writes out of the working tree."""
    settings.MEDIA_ROOT = tmp_path / "media"
