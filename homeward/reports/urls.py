from django.urls import path

from homeward.reports import papers, population, returns, views

app_name = "reports"

urlpatterns = [
    path("reports/", views.index, name="index"),
    path("reports/download.<str:fmt>", views.download, name="download"),
    path("reports/papers/", papers.open_paper, name="open-paper"),
    path("reports/papers/<int:draft>/", papers.paper, name="paper"),
    path("reports/papers/<int:draft>/findings/new/", papers.finding, name="add-finding"),
    path("reports/papers/<int:draft>/findings/<str:finding_id>/", papers.finding, name="finding"),
    path(
        "reports/papers/<int:draft>/findings/<str:finding_id>/remove/",
        papers.remove_finding,
        name="remove-finding",
    ),
    path("reports/papers/<int:draft>/details/", papers.details, name="paper-details"),
    path(
        "reports/papers/<int:draft>/notes/<int:index>/remove/",
        papers.remove_note,
        name="remove-note",
    ),
    path("reports/papers/<int:draft>/issue/", papers.issue, name="issue"),
    path(
        "reports/papers/<int:draft>/download.<str:fmt>",
        papers.paper_download,
        name="paper-download",
    ),
    path(
        "reports/papers/<int:draft>/in-template/",
        papers.paper_in_template,
        name="paper-in-template",
    ),
    path(
        "reports/papers/<int:draft>/issued/<int:number>/in-template/",
        papers.issued_in_template,
        name="issued-in-template",
    ),
    path("reports/papers/<int:draft>/issued/<int:number>/", papers.issued, name="issued"),
    path(
        "reports/papers/<int:draft>/issued/<int:number>/download.<str:fmt>",
        papers.issued_download,
        name="issued-download",
    ),
    path("reports/returns/ssda903/", returns.ssda903, name="ssda903"),
    path("reports/returns/annex-a/", returns.annex_a, name="annex-a"),
    path("reports/data-quality/", returns.quality, name="data-quality"),
    path("reports/population-by-ethnic-group/", population.population, name="population"),
]
