# The two set-up commands of the README. Each installs what it needs first.
.PHONY: demo test lint

demo:
	scripts/install.sh
	.venv/bin/thuvien demo

test:
	scripts/install.sh --test
	.venv/bin/ruff check .
	.venv/bin/python -m pytest -q
