from django.urls import path

from homeward.borders import views

app_name = "borders"

urlpatterns = [
    path("placed-in/", views.register_list, name="register"),
    path("placed-in/new/", views.register_record, name="record"),
    path("placed-in/upload/", views.register_upload, name="upload"),
    path("placed-in/nobody-told-us/", views.unregistered, name="unregistered"),
    path("placed-in/<int:pk>/", views.register_entry, name="entry"),
    path("placed-in/<int:pk>/edit/", views.register_edit, name="edit"),
    path("placed-in/<int:pk>/discharge/", views.register_discharge, name="discharge"),
    path("placed-in/<int:pk>/link/", views.register_link, name="link"),
    path("placed-in/<int:pk>/create-child/", views.register_create_child, name="create-child"),
    path(
        "children/<int:child_pk>/episodes/elsewhere/",
        views.elsewhere_record,
        name="elsewhere",
    ),
    path("episodes/elsewhere/upload/", views.elsewhere_upload, name="elsewhere-upload"),
    path(
        "children/<int:child_pk>/contacts/new/", views.child_contact_add, name="child-contact-add"
    ),
    path(
        "child-contacts/<int:pk>/remove/", views.child_contact_remove, name="child-contact-remove"
    ),
    path("contacts/", views.directory, name="directory"),
    path("contacts/new/", views.contact_add, name="contact-add"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact-edit"),
    path("contacts/<int:pk>/remove/", views.contact_remove, name="contact-remove"),
]
