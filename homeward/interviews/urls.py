from django.urls import path

from homeward.interviews import views

app_name = "interviews"

urlpatterns = [
    path("interviews/", views.due, name="due"),
    path("episodes/<int:episode_pk>/interviews/new/", views.record, name="record"),
    path("episodes/<int:episode_pk>/interviews/close/", views.close, name="close"),
    path("interviews/<int:pk>/edit/", views.edit, name="edit"),
    path("interviews/<int:pk>/history/", views.history, name="history"),
]
