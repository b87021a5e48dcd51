"""Pilot projects and the coordinator's own task list."""
