"""The records pages: my record, a worker's record for organisers, dashboards, the
annual assessment (rule, ratings) and the export."""

from trainer.records.views import assessment, dashboard, record  # noqa: F401
from trainer.records.views.blueprint import bp  # noqa: F401
