"""The records pages: my record, a worker's record for organisers, dashboards, the
annual assessment (rule, ratings), the export and the xAPI downloads."""

from trainer.records.views import assessment, dashboard, record, xapi  # noqa: F401
from trainer.records.views.blueprint import bp  # noqa: F401
