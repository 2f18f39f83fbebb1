from typing import Any

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.admin.actions import delete_selected
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from peerhaven.accounts import audit
from peerhaven.accounts.models import AuditEvent, Consent, RoleAssignment, User
from peerhaven.accounts.privacy import EraseMode, erase_member
from peerhaven.safety.sockets import standing_changed

# The admin's own login form takes only a password: it would skip the TOTP step and the
# failed-login lockout of allauth's sign-in. Send it to allauth's sign-in instead.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]


# Deleting an account in admin is an erasure, never a bare row delete: a bare delete skips
# every app's eraser (others' notifications naming the person, group-room messages, safety
# records…). The person did not choose a mode, so admin uses the one that removes nothing
# other members wrote into: posts and messages stay as "[deleted member]". A member who wants
# their words removed too erases their own account from /settings/privacy/.
ADMIN_ERASE_MODE = EraseMode.ANONYMISE


def erase_selected(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[User]
) -> HttpResponse | None:
    """Django's "delete selected" (its confirmation page, then ``delete_queryset``), with the
    confirmation page audited: it lists every record each selected person has."""
    response = delete_selected(modeladmin, request, queryset)
    if response is not None:
        audit.record_many(
            actor=request.user,  # type: ignore[arg-type]
            action="accounts.admin.read",
            subjects=list(queryset),
            request=request,
        )
    return response


class AuditedReads:
    """Staff opening one row (its change page, or its delete confirmation, which lists every
    record the person has) is audited, with the person the row is about as the subject, so
    they see it among the accesses to their data. Put it first among the bases."""

    read_action = "accounts.admin.read"

    def read_subject(self, obj: Any) -> User | None:
        """The person the row is about (None: nobody's data, nothing to audit)."""
        return obj if isinstance(obj, User) else None

    def _audit_open(self, request: HttpRequest, object_id: str, response: HttpResponse) -> None:
        if request.method != "GET" or response.status_code != 200:
            return
        obj = self.get_object(request, object_id)  # type: ignore[attr-defined]
        subject = self.read_subject(obj) if obj is not None else None
        if subject is not None:
            audit.record(
                actor=request.user,  # type: ignore[arg-type]
                action=self.read_action,
                subject=subject,
                obj=None if obj is subject else obj,
                request=request,
            )

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response: HttpResponse = super().change_view(  # type: ignore[misc]
            request, object_id, form_url, extra_context
        )
        self._audit_open(request, object_id, response)
        return response

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response: HttpResponse = super().delete_view(  # type: ignore[misc]
            request, object_id, extra_context
        )
        self._audit_open(request, object_id, response)
        return response


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    extra = 0
    readonly_fields = ("granted_at", "granted_by", "verified_at", "verified_by")


@admin.register(User)
class UserAdmin(AuditedReads, admin.ModelAdmin):
    list_display = ("display_name", "date_joined", "is_active")
    search_fields = ("display_name",)
    exclude = ("password", "user_permissions", "groups", "display_name_key")
    readonly_fields = ("last_login", "date_joined", "guidelines_accepted_at", "onboarded_at")
    inlines = (RoleInline,)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions: dict[str, Any] = super().get_actions(request)
        if "delete_selected" in actions:  # only offered to staff allowed to delete
            actions["delete_selected"] = (
                erase_selected,
                "delete_selected",
                "Erase selected accounts (their posts stay as “[deleted member]”)",
            )
        return actions

    def delete_model(self, request: HttpRequest, obj: User) -> None:
        erase_member(
            user=obj,
            mode=ADMIN_ERASE_MODE,
            actor=request.user,  # type: ignore[arg-type]
            request=request,
        )

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for person in list(queryset):
            self.delete_model(request, person)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if change:
            # Deactivating the account or removing a role here is the admin's way to do it:
            # the person's open sockets re-check once this commits.
            standing_changed(form.instance.pk)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "action", "actor", "subject", "object_type", "object_id")
    list_filter = ("action",)
    readonly_fields = tuple(f.name for f in AuditEvent._meta.fields)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Consent)
class ConsentAdmin(AuditedReads, admin.ModelAdmin):
    """Consents say who shares results with which clinician: every staff read is audited."""

    list_display = ("user", "purpose", "grantee", "granted_at", "expires_at", "revoked_at")

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if request.method == "GET" and response.status_code == 200 and changelist is not None:
            people = {c.user_id: c.user for c in changelist.result_list}
            audit.record_many(
                actor=request.user,  # type: ignore[arg-type]
                action="accounts.admin.read",
                subjects=list(people.values()),
                request=request,
            )
        return response

    def read_subject(self, obj: Any) -> User | None:
        return obj.user

    readonly_fields = (
        "user",
        "purpose",
        "grantee",
        "scope",
        "granted_at",
        "expires_at",
        "revoked_at",
    )
