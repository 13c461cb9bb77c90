from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check, for sign-ins that come through a web request.

    Code that checks a password without a request (a management command, a test) is not
    someone guessing passwords over the network, so it goes straight to the next backend
    instead of failing as django-axes would.
    """

    def authenticate(self, request, *args, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)
