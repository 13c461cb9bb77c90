from django.urls import path

from homeward.exchange import views

app_name = "exchange"

urlpatterns = [
    path("exports/", views.index, name="exports"),
]
