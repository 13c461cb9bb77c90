from django.urls import path

from homeward.exchange import views

app_name = "exchange"

urlpatterns = [
    path("exports/", views.index, name="exports"),
    path("downloads/interviews/", views.records, {"kind": "interviews"}, name="interviews"),
    path("downloads/screenings/", views.records, {"kind": "screenings"}, name="screenings"),
    path(
        "downloads/panel-actions/", views.records, {"kind": "panel-actions"}, name="panel-actions"
    ),
]
