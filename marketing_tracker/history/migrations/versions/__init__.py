"""The revisions, oldest first: each upgrades the history schema by one step."""
