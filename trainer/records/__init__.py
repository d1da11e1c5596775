"""Each worker's training record, gathered section by section from the feature domains."""
