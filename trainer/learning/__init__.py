"""Department-led courses: catalogue, lessons, progress, authoring, the course loader."""
