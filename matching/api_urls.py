"""API routes of the matching app, mounted under /api/v1/ by config/urls.py."""

from django.urls import path

from matching import api

urlpatterns = [
    path("match-runs/", api.MatchRunListCreate.as_view(), name="match-runs"),
    path("match-runs/<int:run_id>/", api.MatchRunDetail.as_view(), name="match-run"),
    path(
        "match-runs/<int:run_id>/proposals/",
        api.MatchRunProposals.as_view(),
        name="match-run-proposals",
    ),
    path(
        "match-runs/<int:run_id>/approve/", api.MatchRunApprove.as_view(), name="match-run-approve"
    ),
    path(
        "match-runs/<int:run_id>/discard/", api.MatchRunDiscard.as_view(), name="match-run-discard"
    ),
    path(
        "proposals/<int:proposal_id>/reject/", api.ProposalReject.as_view(), name="proposal-reject"
    ),
]
