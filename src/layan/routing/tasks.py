"""Background tasks of routing (django-tasks): retraining the suggestion models from the deployment's history.

Queued by the worker's schedule (``LAYAN_ROUTER_RETRAIN_HOURS``, one worker per slot) and by the button on
``/staf/perutean/``; ``layan router train`` does the same from a shell. On its own queue, ``training``: a retraining
of a large history takes minutes, and a deployment that must not hold up notifications meanwhile runs a worker for
it alone (``layan worker --queues training``) beside the others (``layan worker --queues default notifications
sweeps webhooks``)."""

from django_tasks import task


@task(queue_name="training")
def retrain_router(only_if_changed: bool = True, user_id: int | None = None) -> dict:
    """Retrain the agency and category models from history and activate the new versions. A target with too little
    data, or (``only_if_changed``) with no new decision since its newest version, is skipped and says why."""
    from layan.core.models import User

    from .training import retrain_all

    user = User.objects.filter(pk=user_id).first() if user_id else None
    return retrain_all(trained_by=user, only_if_changed=only_if_changed)
