.PHONY: eval

# Recall and false positives of the built-in rule packs on fixtures/eval.
eval:
	cargo run --quiet --example eval
