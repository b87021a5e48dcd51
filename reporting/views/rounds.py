"""Reporting rounds: the secretariat creates, opens, follows up and closes them."""
