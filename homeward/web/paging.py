"""Splitting long lists into pages, keeping the filters in every page link."""

from django.core.paginator import Page, Paginator

PER_PAGE = 50


def paginate(request, items, per_page: int = PER_PAGE) -> tuple[Page, str]:
    """The page of `items` the request asks for, and the query string of its filters."""
    page = Paginator(items, per_page).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()
