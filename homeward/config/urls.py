from django.urls import include, path

urlpatterns = [
    path("accounts/", include("homeward.accounts.urls")),
    path("", include("homeward.dashboard.urls")),
]
