"""预警督办: standing alerts raised from detector findings, routed to the supervising
department's queue, assigned, tracked to a deadline and closed into a case or dismissed
with a reason."""

from bidgraph.alerts.model import CLOSED, DISMISS_REASONS, OPEN, STATES, Alert, AlertError, fingerprint
from bidgraph.alerts.store import AlertStore, RaiseResult

__all__ = [
    "CLOSED",
    "DISMISS_REASONS",
    "OPEN",
    "STATES",
    "Alert",
    "AlertError",
    "AlertStore",
    "RaiseResult",
    "fingerprint",
]
