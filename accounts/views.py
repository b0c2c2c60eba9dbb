from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse, reverse_lazy

from accounts.forms import SignInForm
from accounts.navigation import default_start_url
from accounts.scoping import scope_for
from core import ratelimit
from core.errors import refuse_form


class RateLimitedFormMixin:
    """A form view whose POST counts against `rate_limit_scope` (per client and per the email in
    `rate_limit_field`); past the limit the form comes back with the limit as its error, a 429,
    and the form is never processed."""

    rate_limit_scope = ""
    rate_limit_field = "email"

    def post(self, request, *args, **kwargs):
        try:
            ratelimit.hit_for(
                self.rate_limit_scope, request, request.POST.get(self.rate_limit_field)
            )
        except ratelimit.RateLimited as limited:
            form = refuse_form(self.get_form_class()(), limited.message)
            response = self.render_to_response(self.get_context_data(form=form), status=429)
            response["Retry-After"] = str(limited.retry_after)
            return response
        return super().post(request, *args, **kwargs)


class SignInView(RateLimitedFormMixin, auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True
    rate_limit_scope = "sign_in"
    rate_limit_field = "username"

    def get_default_redirect_url(self):
        # Straight to the person's start page: a donor skips the hop through the staff landing.
        return default_start_url(scope_for(self.request.user))


@login_required
def landing(request):
    """Shows each role where its work is; a donor's work is their donations."""
    if not scope_for(request.user).is_staff_member:
        try:
            return redirect(reverse("donations:mine"))
        except NoReverseMatch:
            pass
    assignments = request.user.role_assignments.prefetch_related("communes", "hubs").order_by(
        "role"
    )
    return render(
        request,
        "accounts/landing.html",
        {"scope": scope_for(request.user), "assignments": assignments},
    )


class PasswordResetView(RateLimitedFormMixin, auth_views.PasswordResetView):
    """Django's reset, limited per address asked for and per client (a reset email a minute to one
    inbox is a nuisance; hundreds are an attack)."""

    template_name = "accounts/password_reset.html"
    email_template_name = "emails/password_reset.txt"
    subject_template_name = "emails/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")
    rate_limit_scope = "password_reset"


password_reset = PasswordResetView.as_view()
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html"
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="accounts/password_reset_confirm.html",
    success_url=reverse_lazy("accounts:password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)
