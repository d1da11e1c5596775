"""The /api/v1 JSON API; see core.py for the blueprint."""
