"""The bulk JSON used to COPY proposals says exactly what pairs() says."""

import json

from matching.engine import Problem, ReadyPhone, WaitingHousehold, solve


def test_the_bulk_json_explanations_equal_the_pairs_explanations():
    households = [WaitingHousehold(id=i, commune="A", priority=7 * i + 1) for i in range(9)]
    devices = [ReadyPhone(id=100 + k, hub=1, ram_gb=3.0, has_nfc=k % 2 == 0) for k in range(5)]
    result = solve(Problem(devices, households, {1: ["A"]}, seed=2))
    scores, texts = result.scores_and_explanations_json()
    pairs = list(result.pairs())
    assert len(pairs) == 5
    # stored compact: the points in TERMS' order (matching.models.Proposal.explained names them)
    assert [json.loads(t) for t in texts] == [[e["points"] for e in p.explanation] for p in pairs]
    assert scores == [p.score for p in pairs]


def test_a_stored_proposal_explains_itself_in_either_form():
    from matching.engine.flow import TERMS
    from matching.models import Proposal

    compact = Proposal(explanation=[12.0, 3.5, 0.0, -10.0, 40.0])
    assert compact.explained == [
        {"factor": name, "points": points}
        for name, points in zip(TERMS, [12.0, 3.5, 0.0, -10.0, 40.0], strict=True)
    ]
    labelled = [{"factor": "priority", "points": 1.0}]  # written before the compact form
    assert Proposal(explanation=labelled).explained == labelled
