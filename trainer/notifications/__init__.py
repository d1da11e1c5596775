"""In-app notifications (提醒), each sent once, with optional e-mail and per-kind opt-out."""
