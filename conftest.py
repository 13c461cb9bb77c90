import pytest

# The `mailbox` fixture: a real SMTP server on loopback for the tests that send email.
pytest_plugins = ["homeward.accounts.tests.mailbox"]


@pytest.fixture(autouse=True)
def _media_and_var(tmp_path, settings):
    """Keep anything a test writes out of the working tree."""
    settings.MEDIA_ROOT = tmp_path / "media"
    # Real password hashing is slow by design; tests need only a working one.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    """Tests not about two-factor authentication sign in with a password alone.

    The two-factor tests (homeward/accounts/tests/test_two_factor.py) turn it back on.
    """
    settings.HOMEWARD_REQUIRE_2FA = False


@pytest.fixture(autouse=True)
def _installation_council_read_afresh():
    """A test's changes to councils are rolled back; the copy kept for pages must go too."""
    from homeward.councils.installation import forget_installation_council

    forget_installation_council()
    yield
    forget_installation_council()
