from django.urls import path

from homeward.escalations import views

app_name = "escalations"

urlpatterns = [
    path("escalations/", views.index, name="index"),
    path("escalations/<int:pk>/", views.detail, name="detail"),
    path("escalations/<int:pk>/edit/", views.edit, name="edit"),
    path("escalations/<int:pk>/close/", views.close, name="close"),
    path("escalations/<int:pk>/refer/", views.refer, name="refer"),
]
