from django.urls import path

from homeward.panel import views

app_name = "panel"

urlpatterns = [
    path("panel/", views.panel, name="index"),
    path("panel/meetings/new/", views.meeting_record, name="meeting-record"),
    path("panel/meetings/<int:pk>/", views.meeting, name="meeting"),
    path("panel/meetings/<int:pk>/edit/", views.meeting_edit, name="meeting-edit"),
    path("panel/meetings/<int:meeting_pk>/children/", views.discussion_start, name="add-child"),
    path(
        "panel/meetings/<int:meeting_pk>/children/<int:child_pk>/new/",
        views.discussion_record,
        name="discussion-record",
    ),
    path("panel/discussions/<int:pk>/edit/", views.discussion_edit, name="discussion-edit"),
    path(
        "panel/discussions/<int:discussion_pk>/actions/new/",
        views.action_record,
        name="action-record",
    ),
    path("panel/actions/<int:pk>/edit/", views.action_edit, name="action-edit"),
    path("panel/actions/<int:pk>/done/", views.action_complete, name="action-done"),
]
