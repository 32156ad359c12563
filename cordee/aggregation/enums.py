"""Choices of aggregation (imports and exports of places files), with French labels."""

from cordee.core.enums import TaskState

# An import is a background task: its states are the shared ones.
ImportState = TaskState
