"""Yearly training plans per street, sessions, QR sign-in attendance, feedback, compliance."""
