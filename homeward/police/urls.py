from django.urls import path

from homeward.police import upload_views, views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.index, name="index"),
    path("notifications/<int:pk>/", views.detail, name="detail"),
    path("notifications/upload/", upload_views.upload, name="upload"),
]
