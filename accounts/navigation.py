"""Each role's start page: the header links to every one the signed-in person has, and sign-in
lands a donor on theirs. Pages of the apps above accounts are named by URL name (no import)."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.translation import pgettext_lazy

from accounts.models import Role
from accounts.scoping import Scope

# role → (URL name, link text), in the header's order. Short texts of their own (context "header
# link"): the header must fit on a phone with two roles in it.
ROLE_START_PAGES = {
    Role.OFFICER: ("households:list", pgettext_lazy("header link", "My households")),
    Role.VERIFIER: ("households:queue", pgettext_lazy("header link", "Verification")),
    Role.COORDINATOR: ("logistics:hub", pgettext_lazy("header link", "Hub")),
    Role.ADMIN: ("admin:index", pgettext_lazy("header link", "Administration")),
}
DONOR_START_PAGE = ("donations:mine", pgettext_lazy("header link", "My donations"))


@dataclass(frozen=True)
class StartPage:
    url: str
    label: str


def _page(url_name: str, label) -> StartPage | None:
    try:
        return StartPage(url=reverse(url_name), label=str(label))
    except NoReverseMatch:  # an app left out of INSTALLED_APPS
        return None


def start_pages(scope: Scope) -> list[StartPage]:
    """The start page of each role the person holds (a donor is anyone signed in without a staff
    role, or staff with a donor record); empty for the public."""
    if scope.is_staff_member:
        wanted = [
            ROLE_START_PAGES[role]
            for role in ROLE_START_PAGES
            if role in scope.roles or (role == Role.ADMIN and scope.is_admin)
        ]
        if scope.has_donor:
            wanted.append(DONOR_START_PAGE)
    else:
        wanted = [DONOR_START_PAGE]
    return [page for page in (_page(*item) for item in wanted) if page]


def default_start_url(scope: Scope) -> str:
    """Where sign-in lands without a `next`: staff on their work page, a donor on their donations."""
    if not scope.is_staff_member:
        page = _page(*DONOR_START_PAGE)
        if page:
            return page.url
    return reverse("accounts:landing")
