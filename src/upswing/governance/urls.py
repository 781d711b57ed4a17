from django.urls import path

from upswing.governance import plan_views, views

app_name = "governance"

urlpatterns = [
    path("", views.index, name="index"),
    path("vendors/", plan_views.vendors_page, name="vendors"),
    path("programs/<code:code>/", views.program_page, name="program"),
    path("programs/<code:code>/excuses/", views.accept_excuse, name="excuse"),
    path(
        "programs/<code:code>/excuses/<int:pk>/withdraw/",
        views.withdraw_excuse,
        name="withdraw_excuse",
    ),
    path("programs/<code:code>/notices/", views.flag_event, name="notice"),
    path("programs/<code:code>/contract/", views.upload_contract, name="upload"),
    path("programs/<code:code>/plans/", views.open_plan, name="open_plan"),
    path("programs/<code:code>/plans/<int:pk>/", plan_views.plan_page, name="plan"),
    path("programs/<code:code>/review/", plan_views.review_page, name="review"),
    path("programs/<code:code>/reports/<str:period>/", views.report_page, name="report"),
    *(
        path(
            f"programs/<code:code>/reports/<str:period>/{fmt}/",
            views.report_download,
            {"fmt": fmt},
            name=f"report_{fmt}",
        )
        for fmt in ("pdf", "xlsx", "json")
    ),
]
