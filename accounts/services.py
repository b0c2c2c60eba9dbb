"""Every write to accounts: staff creation and changes, each with an audit row."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import provinces as province_rules
from accounts.models import AccountEvent, Role, RoleAssignment, User
from accounts.scoping import forget_scope
from core.errors import ApplicationError, Conflict
from core.outbox import owe
from places.models import Commune, Hub, Province

Cleaned = list[tuple[str, list[Commune], list[Hub], list[Province]]]


def _clean_roles(roles: Iterable[dict]) -> Cleaned:
    """Check a list of {"role", "communes", "hubs", "provinces"} and return model objects, or
    raise with the problem named on the `roles` field. Communes and provinces must be ones the
    programme works in (active provinces)."""
    cleaned = []
    seen: set[str] = set()
    errors: list[str] = []
    valid_roles = {choice.value for choice in Role}
    for item in roles:
        role = str(item.get("role", ""))
        if role not in valid_roles:
            errors.append(
                _("Unknown role “%(role)s”. Choose one of: %(roles)s.")
                % {"role": role, "roles": ", ".join(sorted(valid_roles))}
            )
            continue
        if role in seen:
            errors.append(_("The role “%(role)s” is listed twice.") % {"role": role})
            continue
        seen.add(role)
        codes = [str(c).strip() for c in item.get("communes") or []]
        communes = list(Commune.objects.filter(code__in=codes, province__active=True))
        unknown = sorted(set(codes) - {c.code for c in communes})
        if unknown:
            errors.append(
                _("These codes are not communes of a province the programme works in: %(codes)s.")
                % {"codes": ", ".join(unknown)}
            )
        province_codes = [str(c).strip() for c in item.get("provinces") or []]
        provinces = list(Province.objects.filter(code__in=province_codes, active=True))
        unknown = sorted(set(province_codes) - {p.code for p in provinces})
        if unknown:
            errors.append(
                _("These are not provinces the programme works in: %(codes)s.")
                % {"codes": ", ".join(unknown)}
            )
        hub_ids = []
        for raw in item.get("hubs") or []:
            try:
                hub_id = int(raw)
                if not 0 < hub_id < 2**63:  # beyond a database id: would overflow the query
                    raise ValueError(raw)
                hub_ids.append(hub_id)
            except (TypeError, ValueError):
                errors.append(_("“%(hub)s” is not a hub id.") % {"hub": raw})
        hubs = list(Hub.objects.filter(id__in=hub_ids).select_related("commune"))
        missing = sorted(set(hub_ids) - {h.id for h in hubs})
        if missing:
            errors.append(
                _("These hubs do not exist: %(ids)s.") % {"ids": ", ".join(map(str, missing))}
            )
        if role in (Role.OFFICER, Role.VERIFIER) and not codes:
            errors.append(_("A %(role)s needs at least one commune.") % {"role": Role(role).label})
        if role == Role.COORDINATOR and not hub_ids:
            errors.append(_("A coordinator needs at least one hub."))
        if role == Role.PROVINCE_ADMIN and not province_codes:
            errors.append(_("A province administrator needs at least one province."))
        # (only a province admin's role holds provinces)
        cleaned.append((role, communes, hubs, provinces if role == Role.PROVINCE_ADMIN else []))
    if errors:
        raise ApplicationError(errors[0], code="invalid_roles", fields={"roles": errors})
    return cleaned


def _apply_roles(user: User, cleaned: Cleaned) -> None:
    user.role_assignments.exclude(role__in=[role for role, *_places in cleaned]).delete()
    for role, communes, hubs, provinces in cleaned:
        assignment, _created = RoleAssignment.objects.get_or_create(user=user, role=role)
        assignment.communes.set(communes)
        assignment.hubs.set(hubs)
        assignment.provinces.set(provinces)
    is_admin = any(role == Role.ADMIN for role, *_places in cleaned)
    if user.is_staff != is_admin or user.is_superuser != is_admin:
        user.is_staff = user.is_superuser = is_admin
        user.save(update_fields=["is_staff", "is_superuser"])
    forget_scope(user)


def role_places(assignment: RoleAssignment) -> dict:
    """One role as the API shows it: its communes and hubs, and a province admin's provinces
    (prefetch "communes", "hubs" and "provinces")."""
    places = {
        "role": assignment.role,
        "communes": sorted(c.code for c in assignment.communes.all()),
        "hubs": sorted(h.id for h in assignment.hubs.all()),
    }
    if assignment.role == Role.PROVINCE_ADMIN:
        places["provinces"] = sorted(p.code for p in assignment.provinces.all())
    return places


def _roles_snapshot(user: User) -> list[dict]:
    assignments = user.role_assignments.prefetch_related("communes", "hubs", "provinces")
    return [role_places(a) for a in assignments.order_by("role")]


@transaction.atomic
def staff_create(
    *,
    email: str,
    name: str,
    roles: Iterable[dict],
    password: str | None = None,
    language: str = User.Language.VI,
    actor: User | None,
) -> User:
    """Create a staff member with their roles. Without a password, an invitation email
    carries a link to set one."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ApplicationError(
            _("Enter a valid email address."),
            code="invalid_email",
            fields={"email": [_("Enter a valid email address.")]},
        ) from None
    if not (name or "").strip():
        raise ApplicationError(
            _("Enter the person's name."),
            code="invalid",
            fields={"name": [_("This field is required.")]},
        )
    roles = list(roles)
    if not roles:
        raise ApplicationError(
            _("Give the staff member at least one role."),
            code="invalid_roles",
            fields={"roles": [_("Give the staff member at least one role.")]},
        )
    cleaned = _clean_roles(roles)
    province_rules.require_may_assign(actor, cleaned)
    if User.objects.filter(email__iexact=email).exists():
        raise Conflict(
            _("An account with this email already exists."),
            code="email_taken",
            fields={"email": [_("An account with this email already exists.")]},
        )
    if password:
        try:
            validate_password(password, User(email=email, name=name))
        except ValidationError as error:
            raise ApplicationError(
                error.messages[0], code="weak_password", fields={"password": error.messages}
            ) from None
    user = User.objects.create_user(
        email=email, password=password, name=name.strip(), language=language
    )
    _apply_roles(user, cleaned)
    AccountEvent.objects.create(
        user=user,
        actor=actor,
        action=AccountEvent.Action.CREATED,
        data={"roles": _roles_snapshot(user), "invited": not password},
    )
    if not password:
        owe("accounts.tasks.send_invitation", user.id, key=f"invitation:{user.id}")
    return user


@transaction.atomic
def staff_update(
    *,
    user_id: int,
    actor: User | None,
    name: str | None = None,
    roles: Iterable[dict] | None = None,
    is_active: bool | None = None,
    language: str | None = None,
) -> User:
    user = User.objects.select_for_update().get(id=user_id)
    province_rules.require_may_manage(actor, user)
    changed: dict = {}
    if name is not None and name.strip() and name.strip() != user.name:
        changed["name"] = [user.name, name.strip()]
        user.name = name.strip()
    if language is not None and language != user.language:
        if language not in User.Language.values:
            raise ApplicationError(
                _("Unknown language."), fields={"language": [_("Choose vi or en.")]}
            )
        changed["language"] = [user.language, language]
        user.language = language
    if changed:
        user.save(update_fields=[k for k in changed])
        AccountEvent.objects.create(
            user=user, actor=actor, action=AccountEvent.Action.UPDATED, data=changed
        )
    if roles is not None:
        roles = list(roles)
        if (
            actor is not None
            and actor.pk == user.pk
            and not any(r.get("role") == Role.ADMIN for r in roles)
        ):
            raise Conflict(
                _("You cannot remove your own administrator role."),
                code="own_admin_role",
                fields={"roles": [_("You cannot remove your own administrator role.")]},
            )
        before = _roles_snapshot(user)
        cleaned = _clean_roles(roles)
        province_rules.require_may_assign(actor, cleaned)
        _apply_roles(user, cleaned)
        after = _roles_snapshot(user)
        if before != after:
            AccountEvent.objects.create(
                user=user,
                actor=actor,
                action=AccountEvent.Action.ROLES_CHANGED,
                data={"before": before, "after": after},
            )
    if is_active is not None and is_active != user.is_active:
        if actor is not None and actor.pk == user.pk and not is_active:
            raise Conflict(_("You cannot deactivate your own account."), code="own_account")
        user.is_active = is_active
        user.save(update_fields=["is_active"])
        if not is_active:
            from rest_framework.authtoken.models import Token

            Token.objects.filter(user=user).delete()
        AccountEvent.objects.create(
            user=user,
            actor=actor,
            action=AccountEvent.Action.REACTIVATED
            if is_active
            else AccountEvent.Action.DEACTIVATED,
        )
    return user
