"""Response headers every page needs: no copies of a child's data kept, no OPTIONS or TRACE."""

from django.conf import settings
from django.http import HttpResponseNotAllowed
from django.urls import Resolver404, resolve
from django.utils.cache import add_never_cache_headers

ALLOWED_METHODS = ["GET", "HEAD", "POST"]


class RefuseOptionsAndTraceMiddleware:
    """OPTIONS and TRACE answer 405 with an empty body: no page is rendered, nothing audited."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("OPTIONS", "TRACE"):
            return HttpResponseNotAllowed(allowed_methods(request.path_info))
        return self.get_response(request)


def allowed_methods(path: str) -> list[str]:
    """The methods a page answers, for the Allow header: those its class answers when it is
    a class-based view (the police notifications API answers POST alone), GET, HEAD and
    POST otherwise."""
    try:
        cls = getattr(resolve(path).func, "view_class", None)
    except Resolver404:
        cls = None
    if cls is None:
        return ALLOWED_METHODS
    methods = [name for name in ("get", "post") if name in cls.http_method_names]
    methods = [name for name in methods if hasattr(cls, name)]
    if "get" in methods:
        methods.insert(1, "head")
    return [name.upper() for name in methods]


class NoStoreMiddleware:
    """Browsers and proxies keep no copy of a page or download shown to a signed-in person.

    Every such page may hold a child's details, and a download always does (a download is
    only for signed-in people too, but is marked by its Content-Disposition as well, so that
    one served another way is still covered).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.STATIC_URL and request.path_info.startswith(settings.STATIC_URL):
            return response  # styles and scripts hold nothing of a child's
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or response.has_header("Content-Disposition"):
            add_never_cache_headers(response)
        return response
