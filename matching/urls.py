"""Pages of the matching app (included at the site root by config/urls.py)."""

from django.urls import path

from matching import views

app_name = "matching"

urlpatterns = [
    path("ghep-doi/", views.run_list, name="runs"),
    path("ghep-doi/chay-moi/", views.run_start, name="start"),
    path("ghep-doi/<int:run_id>/", views.run_detail, name="run"),
    path("ghep-doi/<int:run_id>/tien-do.json", views.run_progress, name="run_progress"),
    path("ghep-doi/<int:run_id>/duyet/", views.run_approve, name="approve"),
    path("ghep-doi/<int:run_id>/huy/", views.run_discard, name="discard"),
    path("ghep-doi/de-xuat/<int:proposal_id>/tu-choi/", views.proposal_reject, name="reject"),
]
