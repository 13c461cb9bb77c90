from django.urls import path

from homeward.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.home, name="home"),
    path("home/missing-now/", views.missing_now_table, name="missing-now-table"),
]
