"""Body charts drawn by acupress, as SVG: where each point lies on the lower back, behind
the knee, at the inner ankle, or on the whole body, placed from the atlas's anchors."""

from acupress.charts.draw import point_chart, protocol_chart, session_entries
from acupress.charts.geometry import VIEW_NAMES, Mark, default_view, get_view, marks, shows

__all__ = [
    "VIEW_NAMES",
    "Mark",
    "default_view",
    "get_view",
    "marks",
    "point_chart",
    "protocol_chart",
    "session_entries",
    "shows",
]
