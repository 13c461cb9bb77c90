from django.urls import include, path

urlpatterns = [
    # First: a force's system may call the API many times a second, and a path is matched
    # against these patterns in order.
    path("", include("homeward.police.api_urls")),
    path("accounts/", include("homeward.accounts.urls")),
    path("accounts/oidc/", include("homeward.accounts.oidc_urls")),
    path("", include("homeward.accounts.people_urls")),
    path("", include("homeward.dashboard.urls")),
    path("", include("homeward.episodes.urls")),
    path("", include("homeward.police.urls")),
    path("", include("homeward.interviews.urls")),
    path("", include("homeward.children.urls")),
    path("", include("homeward.exploitation.urls")),
    path("", include("homeward.panel.urls")),
    path("", include("homeward.borders.urls")),
    path("", include("homeward.escalations.urls")),
    path("", include("homeward.in_error.urls")),
    path("", include("homeward.notices.urls")),
    path("", include("homeward.exchange.urls")),
    path("", include("homeward.reports.urls")),
    path("", include("homeward.police.force_urls")),
    path("", include("homeward.alerts.urls")),
]
