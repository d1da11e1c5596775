"""See views.py for the blueprint."""
