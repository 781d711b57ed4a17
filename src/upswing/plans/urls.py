from django.urls import path

from upswing.plans import running_views, views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/", views.draft_new, name="new"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/read/", views.inbox_read, name="inbox_read"),
    path("reports/", views.plan_reports, name="reports"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/edit/", views.plan_edit, name="edit"),
    path("<int:pk>/lint/", views.plan_lint, name="lint"),
    path("<int:pk>/submit/", views.plan_submit, name="submit"),
    path("<int:pk>/review/", views.plan_review, name="review"),
    path("<int:pk>/acknowledge/", views.plan_acknowledge, name="acknowledge"),
    path("<int:pk>/checkpoints/<int:number>/", running_views.checkpoint_page, name="checkpoint"),
    path("<int:pk>/final-review/", running_views.final_review, name="final_review"),
    path("<int:pk>/close/", running_views.plan_close, name="close"),
    path("<int:pk>/extend/", running_views.plan_extend, name="extend"),
    path("<int:pk>/packet.<str:fmt>", views.plan_download, name="download"),
]
