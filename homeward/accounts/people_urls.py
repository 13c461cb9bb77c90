"""The people pages (administrators), and the password pages anyone may open."""

from django.urls import path

from homeward.accounts import people

app_name = "people"

urlpatterns = [
    path("people/", people.index, name="index"),
    path("people/new/", people.create, name="create"),
    path("people/<int:pk>/", people.detail, name="detail"),
    path("people/<int:pk>/edit/", people.edit, name="edit"),
    path("people/<int:pk>/active/", people.active, name="active"),
    path("people/<int:pk>/password-link/", people.password_link, name="password-link"),
    path("people/<int:pk>/two-factor/", people.two_factor, name="two-factor"),
    path("people/<int:pk>/allocate/", people.allocate, name="allocate"),
    path("children/<int:child_pk>/allocate/", people.allocate_child, name="allocate-child"),
    path("allocations/<int:pk>/end/", people.end_allocation, name="end-allocation"),
    path("accounts/forgotten-password/", people.forgotten_password, name="forgotten-password"),
    path("accounts/set-password/<uidb64>/<token>/", people.set_password, name="set-password"),
]
