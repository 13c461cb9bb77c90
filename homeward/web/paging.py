"""Splitting long lists into pages, keeping the filters in every page link."""

from django.core.paginator import Page, Paginator

PER_PAGE = 50


def paginate(request, items, per_page: int = PER_PAGE, param: str = "page") -> tuple[Page, str]:
    """The page of `items` the request asks for, and the query string of its filters.

    `param` names the page in the query string: a page with two paged lists gives each its
    own (and includes the pagination with `page_param`), so that paging one keeps the other's.
    """
    page = Paginator(items, per_page).get_page(request.GET.get(param))
    query = request.GET.copy()
    query.pop(param, None)
    return page, query.urlencode()
