from django.urls import path

from homeward.episodes import views

app_name = "episodes"

urlpatterns = [
    path("missing-now/", views.missing_now, name="missing-now"),
    path("missing-now/table/", views.missing_now_table, name="missing-now-table"),
    path("missing-now/changed/", views.missing_now_changed, name="missing-now-changed"),
    path("episodes/new/", views.start, name="start"),
    path("children/<int:child_pk>/episodes/new/", views.record, name="record"),
    path("episodes/<int:pk>/edit/", views.edit, name="edit"),
    path("episodes/<int:pk>/returned/", views.mark_returned, name="mark-returned"),
    path("episodes/<int:pk>/history/", views.history, name="history"),
]
