from django.urls import path

from homeward.reports import views

app_name = "reports"

urlpatterns = [
    path("reports/", views.index, name="index"),
    path("reports/download.<str:fmt>", views.download, name="download"),
]
