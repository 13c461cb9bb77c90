"""The police notifications API (docs/api.md) and its OpenAPI document."""

from django.urls import path
from drf_spectacular.views import SpectacularJSONAPIView

from homeward.police.api import NotificationsView

app_name = "api"

urlpatterns = [
    path("api/v1/notifications", NotificationsView.as_view(), name="notifications"),
    path(
        "api/v1/openapi.json",
        SpectacularJSONAPIView.as_view(urlconf="homeward.police.api_urls"),
        name="openapi",
    ),
]
