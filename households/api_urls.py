"""API routes of the households app, mounted under /api/v1/ by config/urls.py."""

from django.urls import path

from households import api, api_places

# Acts on one household: /households/<pk>/<act>/, named household-<act>.
ACTS = {
    "submit": api.SubmitView,
    "verify": api.VerifyView,
    "reject": api.RejectView,
    "request-changes": api.RequestChangesView,
    "withdraw-consent": api.WithdrawConsentView,
    "anonymise": api.AnonymiseView,
    "personal-data": api.PersonalDataView,
    "appeal": api.AppealView,
    "not-renewed": api.NotRenewedView,
}

urlpatterns = [
    path("households/", api.HouseholdListView.as_view(), name="household-list"),
    path("households/import/", api.ImportView.as_view(), name="household-import"),
    path("households/submit/", api.BulkSubmitView.as_view(), name="household-submit-many"),
    path(
        "households/import-template/",
        api.ImportTemplateView.as_view(),
        name="household-import-template",
    ),
    path("households/reconfirm/", api.ReconfirmView.as_view(), name="household-reconfirm"),
    path(
        "households/reconfirm/import/",
        api.ReconfirmImportView.as_view(),
        name="household-reconfirm-import",
    ),
    path("poverty-lists/", api.PovertyListView.as_view(), name="poverty-lists"),
    path("households/<int:pk>/", api.HouseholdDetailView.as_view(), name="household-detail"),
    *(
        path(f"households/<int:pk>/{act}/", view.as_view(), name=f"household-{act}")
        for act, view in ACTS.items()
    ),
    path("communes/<str:code>/flags/", api_places.CommuneFlagsView.as_view(), name="commune-flags"),
    path(
        "provinces/<str:code>/activate/",
        api_places.ProvinceActivateView.as_view(),
        name="province-activate",
    ),
    path(
        "provinces/<str:code>/deactivate/",
        api_places.ProvinceDeactivateView.as_view(),
        name="province-deactivate",
    ),
]
