"""How experiments show up on other apps' pages, through the registries of ideas (registered in
ExperimentsConfig.ready()): the evidence panel on the item page and the decided experiments in
the learning library."""

from standards.models import Standard
from standards.permissions import can_propose_from

from .forms import ExperimentForm
from .models import Experiment
from .permissions import can_manage_experiments
from .selectors import decided_experiments, idea_evidence


def evidence_panel(request, idea) -> dict | None:
    """Experiments (add, record evidence, decide) and the KPI readings before and after the
    change; on a done item, links to propose a change to a standard."""
    evidence = idea_evidence(idea)
    may_manage = can_manage_experiments(request.user, idea)
    if not (evidence["experiments"] or evidence["movements"] or may_manage):
        return None
    standards = (list(Standard.objects.order_by("title").values("pk", "title")[:8])
                 if idea.status == idea.Status.DONE and can_propose_from(request.user, idea)
                 else [])
    return {
        "title": "Experiments and evidence",
        "template": "experiments/_evidence_panel.html",
        "context": {**evidence, "idea_id": idea.pk, "may_manage": may_manage,
                    "decisions": Experiment.Decision.choices, "standards": standards,
                    "experiment_form": ExperimentForm(auto_id="id_exp_%s")
                    if may_manage and idea.is_open else None},
    }


def learning_panel(request) -> dict | None:
    """Decided experiments in the learning library (abandoned ones count as learning)."""
    experiments = decided_experiments(request.user)
    if not experiments:
        return None
    return {"title": "Experiments decided", "template": "experiments/_learning_panel.html",
            "context": {"experiments": experiments}}
