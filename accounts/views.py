from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse, reverse_lazy

from accounts.forms import SignInForm
from accounts.scoping import scope_for
from core import ratelimit


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        email = request.POST.get("username", "").strip().lower()
        try:
            ratelimit.hit("sign_in", f"ip:{ratelimit.client_ip(request)}", f"email:{email}")
        except ratelimit.RateLimited as limited:
            form = self.get_form()
            form.errors.clear()
            form.add_error(None, limited.message)
            response = self.render_to_response(self.get_context_data(form=form), status=429)
            response["Retry-After"] = str(limited.retry_after)
            return response
        return super().post(request, *args, **kwargs)


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


password_reset = auth_views.PasswordResetView.as_view(
    template_name="accounts/password_reset.html",
    email_template_name="emails/password_reset.txt",
    subject_template_name="emails/password_reset_subject.txt",
    success_url=reverse_lazy("accounts:password_reset_done"),
)
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
