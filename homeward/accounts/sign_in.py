"""The sign-in page: the password form, "Sign in with <provider>" when OIDC is set up, or both."""

from django.contrib.auth import views as auth_views

from homeward.accounts import oidc
from homeward.accounts.landing import chosen_next, landing_url


class SignInView(auth_views.LoginView):
    redirect_authenticated_user = True

    def get_redirect_url(self):
        return chosen_next(super().get_redirect_url())

    def get_default_redirect_url(self):
        """Where the person lands when no `next` says otherwise: where their role's work is."""
        return landing_url(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["oidc"] = {
            "enabled": oidc.enabled(),
            "provider": oidc.provider_name(),
            "password_offered": oidc.password_sign_in_offered(),
            "refused": oidc.take_refusal(self.request),
        }
        return context

    def post(self, request, *args, **kwargs):
        if not oidc.password_sign_in_offered():  # HOMEWARD_OIDC_ONLY: no password sign-in
            return self.get(request, *args, **kwargs)
        return super().post(request, *args, **kwargs)
