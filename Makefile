# Thin wrapper around meson: the README's two commands live here.
BUILD ?= build
PREFIX ?= /usr/local
DESTDIR ?=
RUN_ARGS ?=

.PHONY: all deps setup run test install clean fuzz bench format

all: setup
	meson compile -C $(BUILD)

deps:
	./scripts/install-deps

setup:
	@if [ ! -f $(BUILD)/build.ninja ]; then \
		meson setup $(BUILD) --prefix=$(PREFIX) --sysconfdir=/etc --buildtype=debugoptimized; \
	else \
		meson configure $(BUILD) -Dprefix=$(PREFIX) -Dsysconfdir=/etc >/dev/null; \
	fi

# Scan this machine into the local store, then serve the console on it
# (https://127.0.0.1:8080/; the first run creates and prints an admin).
run: deps all
	./scripts/run $(RUN_ARGS)

test: deps all
	meson test -C $(BUILD) --print-errorlogs

install: all
	DESTDIR=$(DESTDIR) meson install -C $(BUILD) --no-rebuild

bench: deps all
	./scripts/install-deps --bench && ./bench/scan.sh && ./bench/discover.sh && ./bench/vuln.sh

# Fuzz every target for FUZZ_SECONDS (60) each, with libFuzzer and clang;
# new inputs are kept in fuzz/corpus/<target>/.
FUZZ_SECONDS ?= 60
fuzz: deps
	./scripts/install-deps --fuzz
	@if [ ! -f build-fuzz/build.ninja ]; then \
		CC=clang meson setup build-fuzz -Dfuzzing=true \
			-Db_sanitize=address,undefined -Db_lundef=false; \
	fi
	meson compile -C build-fuzz
	for t in build-fuzz/fuzz/fuzz_*; do \
		[ -f "$$t" ] && [ -x "$$t" ] || continue; \
		n=$${t##*/fuzz_}; \
		"$$t" -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 \
			fuzz/corpus/$$n || exit 1; \
	done

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD)
