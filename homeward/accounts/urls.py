from django.contrib.auth import views as auth_views
from django.urls import path

from homeward.accounts import timeout, views
from homeward.accounts.sign_in import SignInView

app_name = "accounts"

urlpatterns = [
    path(
        "sign-in/",
        SignInView.as_view(),
        name="sign-in",
    ),
    # Django's LogoutView accepts POST only, so a link or a prefetch cannot sign anyone out.
    path("sign-out/", auth_views.LogoutView.as_view(), name="sign-out"),
    path("stay-signed-in/", timeout.stay_signed_in, name="stay-signed-in"),
    path("two-factor/", views.two_factor, name="two-factor"),
    path("two-factor/set-up/", views.two_factor_set_up, name="two-factor-set-up"),
]
