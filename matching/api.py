"""The matching API of API.md (coordinators; scoped to their hubs). Thin: parse, call, render."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import IdField, Pagination, Serializer, paginated, validated
from matching import selectors, services
from matching.models import MatchRun, Proposal

# The two helpers below are API plumbing every app repeats (the input check in accounts too):
# they belong in core/api.py.


class RunProvinceOutput(Serializer):
    """One province's part of a run (matching/provinces.py)."""

    province = serializers.CharField()
    name = serializers.CharField()
    hubs = serializers.IntegerField()
    devices = serializers.IntegerField(help_text="Ready phones at its hubs.")
    households = serializers.IntegerField(help_text="Verified households waiting in it.")
    proposals = serializers.IntegerField(help_text="Proposals for its households.")
    transfers_in = serializers.IntegerField(help_text="Of those, phones of another province.")
    transfers_out = serializers.IntegerField(help_text="Its phones proposed elsewhere.")
    phones_held = serializers.IntegerField(
        help_text="Its phones left out: their donor chose only another province."
    )
    unmatched_devices = serializers.IntegerField()
    unmatched_households = serializers.IntegerField()


class MatchRunOutput(serializers.ModelSerializer):
    hubs = serializers.SerializerMethodField()
    provinces = RunProvinceOutput(many=True, read_only=True)
    proposals = serializers.IntegerField(source="proposals_count")
    created_by = serializers.IntegerField(source="created_by_id")
    # Plain strings in the schema (values in API.md), so no enum name collides with other apps'.
    status = serializers.CharField(
        help_text="queued|running|proposed|approved|partially_approved|discarded|failed"
    )

    class Meta:
        model = MatchRun
        fields = [
            "id",
            "status",
            "seed",
            "policy_version",
            "hubs",
            "all_hubs",
            "allow_transfer",
            "provinces",
            "proposals",
            "objective",
            "unmatched_devices",
            "unmatched_households",
            "message",
            "progress",
            "progress_note",
            "timings",
            "statistics",
            "coverage",
            "created_by",
            "created_at",
            "started_at",
            "finished_at",
        ]

    def get_hubs(self, run) -> list[int]:
        return sorted(h.id for h in run.hubs.all())


class ProposalOutput(serializers.ModelSerializer):
    device = serializers.CharField(source="device.tracking_code")
    household = serializers.IntegerField(source="household_id")
    commune = serializers.CharField(source="household.commune_id")
    need_kind = serializers.CharField(source="household.need_kind")
    priority = serializers.SerializerMethodField()
    explanation = serializers.ListField(
        source="explained",
        child=serializers.DictField(),
        help_text="[{factor, points}] in the order of the score's terms",
    )
    status = serializers.CharField(help_text="proposed|approved|rejected|superseded")

    class Meta:
        model = Proposal
        fields = [
            "id",
            "run",
            "device",
            "household",
            "commune",
            "need_kind",
            "priority",
            "score",
            "explanation",
            "status",
            "reason",
        ]

    def get_priority(self, proposal) -> dict:
        household = proposal.household
        return {
            "score": household.priority_score,
            "version": household.priority_version,
            "breakdown": household.priority_breakdown,
        }


class MatchRunInput(Serializer):
    hubs = serializers.ListField(child=IdField(), required=False, allow_empty=True)
    seed = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=services.SEED_MAX
    )
    allow_transfer = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Let phones go to households of another province (matching/provinces.py); "
        "without it each province's phones stay in it.",
    )


class ApproveInput(Serializer):
    proposals = serializers.ListField(
        child=serializers.IntegerField(), required=False, allow_null=True
    )


class RejectInput(Serializer):
    reason = serializers.CharField(allow_blank=True, required=False, default="")


class DiscardInput(Serializer):
    reason = serializers.CharField(allow_blank=True, required=False, default="")


class ApproveOutput(MatchRunOutput):
    approved = serializers.SerializerMethodField()
    skipped = serializers.SerializerMethodField()

    class Meta(MatchRunOutput.Meta):
        fields = [*MatchRunOutput.Meta.fields, "approved", "skipped"]

    def get_approved(self, run) -> list[int]:
        return self.context["outcome"].approved

    def get_skipped(self, run) -> list[dict]:
        return self.context["outcome"].skipped


def _run(run_id: int) -> MatchRun:
    return MatchRun.objects.select_related("created_by").prefetch_related("hubs").get(id=run_id)


class MatchRunListCreate(APIView):
    pagination_class = Pagination

    @extend_schema(operation_id="v1_match_runs_list", responses=MatchRunOutput(many=True))
    def get(self, request):
        selectors.require_coordinator(request.user)
        runs = selectors.match_runs_for_user(request.user).prefetch_related("hubs")
        return paginated(request, self, runs, MatchRunOutput)

    @extend_schema(request=MatchRunInput, responses={201: MatchRunOutput})
    def post(self, request):
        data = validated(MatchRunInput, request)
        run = services.match_run_create(
            actor=request.user,
            hub_ids=data.get("hubs") or None,
            seed=data.get("seed"),
            allow_transfer=data["allow_transfer"],
        )
        return Response(MatchRunOutput(_run(run.id)).data, status=201)


class MatchRunDetail(APIView):
    @extend_schema(responses=MatchRunOutput)
    def get(self, request, run_id: int):
        run = selectors.match_run_get_for_user(request.user, run_id)
        return Response(MatchRunOutput(_run(run.id)).data)


class MatchRunProposals(APIView):
    pagination_class = Pagination

    @extend_schema(operation_id="v1_match_runs_proposals_list", responses=ProposalOutput(many=True))
    def get(self, request, run_id: int):
        run = selectors.match_run_get_for_user(request.user, run_id)
        proposals = selectors.proposals_for_run(request.user, run)
        status = request.query_params.get("status")
        if status:
            proposals = proposals.filter(status=status)
        return paginated(request, self, proposals, ProposalOutput)


class MatchRunApprove(APIView):
    @extend_schema(request=ApproveInput, responses=ApproveOutput)
    def post(self, request, run_id: int):
        proposal_ids = validated(ApproveInput, request).get("proposals")
        outcome = services.match_run_approve(
            run_id=run_id, proposal_ids=proposal_ids, actor=request.user
        )
        return Response(ApproveOutput(_run(outcome.run.id), context={"outcome": outcome}).data)


class MatchRunDiscard(APIView):
    @extend_schema(request=DiscardInput, responses=MatchRunOutput)
    def post(self, request, run_id: int):
        reason = validated(DiscardInput, request)["reason"]
        run = services.match_run_discard(run_id=run_id, actor=request.user, reason=reason)
        return Response(MatchRunOutput(_run(run.id)).data)


class ProposalReject(APIView):
    @extend_schema(request=RejectInput, responses=ProposalOutput)
    def post(self, request, proposal_id: int):
        reason = validated(RejectInput, request)["reason"]
        proposal = services.proposal_reject(
            proposal_id=proposal_id, reason=reason, actor=request.user
        )
        proposal = Proposal.objects.select_related("device", "household").get(id=proposal.id)
        return Response(ProposalOutput(proposal).data)
