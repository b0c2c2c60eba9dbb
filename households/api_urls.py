"""API routes of the households app, mounted under /api/v1/ by config/urls.py."""

from django.urls import path

from households import api

urlpatterns = [
    path("households/", api.HouseholdListView.as_view(), name="household-list"),
    path("households/import/", api.ImportView.as_view(), name="household-import"),
    path(
        "households/import-template/",
        api.ImportTemplateView.as_view(),
        name="household-import-template",
    ),
    path("households/<int:pk>/", api.HouseholdDetailView.as_view(), name="household-detail"),
    path("households/<int:pk>/submit/", api.SubmitView.as_view(), name="household-submit"),
    path("households/<int:pk>/verify/", api.VerifyView.as_view(), name="household-verify"),
    path("households/<int:pk>/reject/", api.RejectView.as_view(), name="household-reject"),
    path(
        "households/<int:pk>/request-changes/",
        api.RequestChangesView.as_view(),
        name="household-request-changes",
    ),
    path(
        "households/<int:pk>/withdraw-consent/",
        api.WithdrawConsentView.as_view(),
        name="household-withdraw-consent",
    ),
    path("households/<int:pk>/anonymise/", api.AnonymiseView.as_view(), name="household-anonymise"),
    path(
        "households/<int:pk>/personal-data/",
        api.PersonalDataView.as_view(),
        name="household-personal-data",
    ),
]
