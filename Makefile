# prepub — make targets. `make test` is exactly what CI runs.
CARGO ?= cargo

.PHONY: setup build test lint fmt bench eval corpus fixtures man clean-bench

# System packages prepub links and reads (Tesseract 5, Leptonica, the
# Chinese and English OCR models, clang): installs only what is missing.
setup:
	tools/setup.sh

build:
	$(CARGO) build --release --locked

# Everything CI checks: tests (incl. the corpus tests, which skip with a
# message when ../shared/corpus is absent), clippy and rustfmt.
test:
	$(CARGO) test --locked
	$(CARGO) clippy --locked --all-targets -- -D warnings
	$(CARGO) fmt --check

lint:
	$(CARGO) clippy --locked --all-targets -- -D warnings
	$(CARGO) fmt --check

fmt:
	$(CARGO) fmt

# Benchmarks; results are ratios against baselines measured in the same run.
# Every benchmark of issue 9, each next to its baseline from the same run,
# written to bench/RESULTS.md (generated inputs are kept in bench/work).
bench:
	bench/run.sh

# Recall and false positives of the built-in rule packs on the labelled set
# in fixtures/eval; fails when a target is missed (tests/eval.rs enforces the
# same under `cargo test`).
eval:
	$(CARGO) run --quiet --example eval

# Scans the whole shared corpus (tests/corpus*.rs: zero panics, every file
# reviewed, bounded time and memory), then prints the release binary's
# elapsed time and peak RSS over the whole corpus from /usr/bin/time -v.
corpus:
	$(CARGO) test --release --locked --test 'corpus*' -- --nocapture
	@corpus=$${PREPUB_CORPUS:-../shared/corpus}; \
	if [ -d "$$corpus" ] && [ -x /usr/bin/time ]; then \
	  /usr/bin/time -v target/release/prepub scan --no-progress --fail-on never --format json "$$corpus" 2>&1 >/dev/null \
	    | grep -E "Elapsed|Maximum resident"; \
	fi

# Remakes the committed fixtures from their scripts (needs python3;
# LibreOffice for the office formats).
fixtures:
	cd fixtures/text && python3 make.py
	cd fixtures/archive && python3 make.py
	python3 fixtures/ofd/make.py
	python3 fixtures/html/make.py
	fixtures/odf/make.sh
	fixtures/xlsx/make.sh
	fixtures/pptx/make.sh
	python3 fixtures/docx/make.py
	python3 fixtures/pdf/make.py
	python3 fixtures/pdf/make_office_update.py
	python3 fixtures/forms/make_forms.py
	python3 fixtures/ocr/make.py

# Every man page — prepub(1) and one per subcommand, prepub-scan(1),
# prepub-rules-list(1) … — into man/ (read with `man -l man/prepub-scan.1`).
man:
	mkdir -p man
	$(CARGO) run --quiet --locked -- man --dir man

clean-bench:
	rm -rf bench/work
