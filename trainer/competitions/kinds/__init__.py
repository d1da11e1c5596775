"""Round kinds: one module each (quiz, scenario, judged) behind ``base.RoundKind``;
``registry.KINDS`` lists them. A new kind is one module here and its line in the registry
(and the kind name in the rounds table's check constraint, through a migration)."""
