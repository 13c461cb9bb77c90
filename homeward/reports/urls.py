from django.urls import path

from homeward.reports import returns, views

app_name = "reports"

urlpatterns = [
    path("reports/", views.index, name="index"),
    path("reports/download.<str:fmt>", views.download, name="download"),
    path("reports/returns/ssda903/", returns.ssda903, name="ssda903"),
    path("reports/returns/annex-a/", returns.annex_a, name="annex-a"),
    path("reports/data-quality/", returns.quality, name="data-quality"),
]
