.PHONY: studio test setup setup-test bench

studio: setup
	.venv/bin/narration-studio

test: setup-test
	tests/run.sh

setup:
	packaging/setup.sh

setup-test:
	packaging/setup.sh --test
