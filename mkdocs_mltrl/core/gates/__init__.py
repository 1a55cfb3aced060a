"""The readiness gates: conditions over a card as written, gate sets read from gates files, and
the evaluation of a card with its waivers."""

from .conditions import describe, field_paths_of, holds
from .evaluation import GateReport, WaiverState, evaluate_gates, gate_findings, waiver_states
from .field_paths import unknown_field
from .gate_set import Gate, GateMode, GateResult, GateSet, GateState, check_sections, default_gates, load_gates

__all__ = [
    "Gate",
    "GateMode",
    "GateReport",
    "GateResult",
    "GateSet",
    "GateState",
    "WaiverState",
    "check_sections",
    "default_gates",
    "describe",
    "evaluate_gates",
    "field_paths_of",
    "gate_findings",
    "holds",
    "load_gates",
    "unknown_field",
    "waiver_states",
]
