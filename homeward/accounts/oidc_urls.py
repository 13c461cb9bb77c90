"""Sign-in through the council's OpenID Connect provider (homeward/accounts/oidc.py).

Always routed; each page is a 404 until an installation sets OIDC up.
"""

from django.urls import path

from homeward.accounts import oidc

app_name = "oidc"

urlpatterns = [
    path("start/", oidc.StartView.as_view(), name="start"),
    path("callback/", oidc.CallbackView.as_view(), name="callback"),
]
