from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "homeward.accounts"
    label = "accounts"

    def ready(self):
        # The moment of signing in starts the absolute session lifetime.
        from homeward.accounts import idle  # noqa: F401
