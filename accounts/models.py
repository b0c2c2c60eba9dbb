"""People: one user model (sign in by email), staff roles with their communes and hubs, and an
audit row for every change to an account."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Event
from places.models import Commune, Hub, Province


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields["is_staff"] = True
        fields["is_superuser"] = True
        return self._create(email, password, **fields)

    def get_by_natural_key(self, username: str) -> User:
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    class Language(models.TextChoices):
        VI = "vi", "Tiếng Việt"
        EN = "en", "English"

    email = models.EmailField(_("email"), unique=True)
    name = models.CharField(_("full name"), max_length=150, blank=True)
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.VI
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("Django admin access"),
        default=False,
        help_text=_("Can sign in to the Django admin site."),
    )
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        indexes = [
            # Sign-in and pledging look accounts up by email whatever its case (email__iexact, which
            # PostgreSQL runs as UPPER(email) = UPPER(%s)): without this index, a sequential scan.
            models.Index(Upper("email"), name="accounts_user_email_ci"),
        ]

    def __str__(self) -> str:
        return self.name or self.email

    @property
    def scope(self):
        """What this person may see: roles, communes and hubs (computed once per request)."""
        from accounts.scoping import scope_for

        return scope_for(self)

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return self.name.split(" ")[-1] if self.name else self.email


class Role(models.TextChoices):
    OFFICER = "officer", _("Commune officer")
    VERIFIER = "verifier", _("Verifier")
    COORDINATOR = "coordinator", _("Coordinator")
    PROVINCE_ADMIN = "province_admin", _("Province administrator")
    ADMIN = "admin", _("Administrator")


class RoleAssignment(models.Model):
    """One staff role of one person, with the communes (officers, verifiers), hubs
    (coordinators) or provinces (province admins: the staff, hubs and communes of those
    provinces) it covers. Admins cover everything and need none of them."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    communes = models.ManyToManyField(
        Commune, blank=True, related_name="staff_assignments", verbose_name=_("communes")
    )
    hubs = models.ManyToManyField(
        Hub, blank=True, related_name="staff_assignments", verbose_name=_("hubs")
    )
    provinces = models.ManyToManyField(
        Province, blank=True, related_name="staff_assignments", verbose_name=_("provinces")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="one_assignment_per_role")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"


class AccountEvent(Event):
    """Audit trail of account changes: who (`actor`) did what to whom (`user`), when."""

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        UPDATED = "updated", _("updated")
        ROLES_CHANGED = "roles_changed", _("roles changed")
        DEACTIVATED = "deactivated", _("deactivated")
        REACTIVATED = "reactivated", _("reactivated")
        INVITED = "invited", _("invited")
        ERASED = "erased", _("erased at the account holder's request")

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="account_events", verbose_name=_("user")
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)

    class Meta(Event.Meta):
        ordering = ["-at", "-id"]
        verbose_name = _("account event")
        verbose_name_plural = _("account events")

    def __str__(self) -> str:
        return f"{self.user} {self.action} {self.at:%Y-%m-%d %H:%M}"
