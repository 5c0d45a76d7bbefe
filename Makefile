# agentev: summarise Amazon Connect agent event streams.

PREFIX ?= /usr/local
MANPREFIX ?= $(PREFIX)/share/man
CC ?= cc
CFLAGS ?= -O2 -g
WARNFLAGS = -std=c11 -Wall -Wextra -pedantic -Wshadow -Wpointer-arith \
	-Wcast-qual -Wstrict-prototypes -Wmissing-prototypes -Wvla \
	-Wformat=2 -Wundef
JANSSON_CFLAGS != pkg-config --cflags jansson 2>/dev/null || true
JANSSON_LIBS != pkg-config --libs jansson 2>/dev/null || echo -ljansson
ALL_CPPFLAGS = -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L $(JANSSON_CFLAGS) $(CPPFLAGS)
ALL_CFLAGS = $(WARNFLAGS) $(CFLAGS)
LDLIBS = $(JANSSON_LIBS) -lpthread

OBJS = agentev.o input.o $(LIBOBJS)
LIBOBJS = arena.o memo.o parse.o frame.o engine.o acw.o status.o activity.o summary.o \
	events.o alert.o now.o contacts.o sessions.o bucket.o output.o text.o \
	pipeline.o state.o markup.o svg.o html.o schedule.o adherence.o

all: agentev

agentev: $(OBJS)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(OBJS) $(LDLIBS)

.c.o:
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c $<

$(OBJS): agentev.h
engine.o acw.o status.o activity.o summary.o events.o alert.o now.o \
    contacts.o sessions.o state.o adherence.o: engine.h

.PHONY: all run check deps install uninstall clean bench profile

# Install jansson when it is missing (as root), else say what to run.
deps:
	@if ! pkg-config --exists jansson 2>/dev/null && \
	    ! test -f /usr/include/jansson.h; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && apt-get install -y -qq libjansson-dev pkg-config; \
		else \
			echo "agentev needs jansson: run 'sudo apt-get install libjansson-dev'" >&2; \
			exit 1; \
		fi; \
	fi

run: deps
	$(MAKE) agentev
	./agentev acw samples/shift.ndjson

tests/unit: tests/unit.c $(LIBOBJS) agentev.h
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ tests/unit.c $(LIBOBJS) $(LDLIBS)

check: agentev tests/unit
	sh tests/run.sh

install: agentev
	mkdir -p $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANPREFIX)/man1
	cp -f agentev $(DESTDIR)$(PREFIX)/bin/agentev
	chmod 755 $(DESTDIR)$(PREFIX)/bin/agentev
	cp -f man/agentev.1 $(DESTDIR)$(MANPREFIX)/man1/agentev.1
	chmod 644 $(DESTDIR)$(MANPREFIX)/man1/agentev.1

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/agentev $(DESTDIR)$(MANPREFIX)/man1/agentev.1

clean:
	rm -f agentev $(OBJS) tests/*.o tests/unit bench/parseonly

# sanitizers and fuzzing
#
# check-asan: the suite on agentev built with ASan and UBSan (into
# tests/asan/, named agentev so that messages still say "agentev:").
# check-valgrind: the suite under valgrind.  fuzz: the libFuzzer harness
# fuzz/fuzz_record.c for FUZZ_TIME seconds over fuzz/corpus, seeded from
# samples/ and fuzz/seeds/; findings land in fuzz/artifacts/.  FUZZ_ARGS
# passes more libFuzzer flags, e.g. FUZZ_ARGS=-fork=2 for both cores.
# fuzz-state: the same for -S state files (fuzz/fuzz_state.c).  libFuzzer
# needs clang and its runtime: Debian packages clang and libclang-rt-dev
# (libclang-rt-14-dev on bookworm).
SRCS = $(OBJS:.o=.c)
LIBSRCS = $(LIBOBJS:.o=.c)
SAN_CC = clang
SAN_FLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
SAN_ENV = ASAN_OPTIONS=detect_leaks=1:exitcode=99 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:exitcode=99
VALGRIND = valgrind -q --error-exitcode=99 --leak-check=full \
	--show-leak-kinds=definite,indirect \
	--errors-for-leak-kinds=definite,indirect
FUZZ_CC = clang
FUZZ_FLAGS = -O1 -g -fsanitize=fuzzer,address,undefined \
	-fno-omit-frame-pointer -fno-sanitize-recover=all
FUZZ_TIME = 60
FUZZ_MAX_LEN = 32768
FUZZ_ARGS =

.PHONY: check-asan check-valgrind fuzz fuzz-corpus fuzz-state fuzz-clean

tests/asan/agentev: $(SRCS) agentev.h
	mkdir -p tests/asan
	$(SAN_CC) $(ALL_CPPFLAGS) $(WARNFLAGS) $(SAN_FLAGS) $(LDFLAGS) \
	    -o $@ $(SRCS) $(LDLIBS)

tests/asan/unit: tests/unit.c $(LIBSRCS) agentev.h
	mkdir -p tests/asan
	$(SAN_CC) $(ALL_CPPFLAGS) $(WARNFLAGS) $(SAN_FLAGS) $(LDFLAGS) \
	    -o $@ tests/unit.c $(LIBSRCS) $(LDLIBS)

check-asan: tests/asan/agentev tests/asan/unit tests/unit
	$(SAN_ENV) AGENTEV="$$(pwd)/tests/asan/agentev" sh tests/run.sh
	$(SAN_ENV) tests/asan/unit >/dev/null

check-valgrind: agentev tests/unit
	AGENTEV="$(VALGRIND) $$(pwd)/agentev" sh tests/run.sh
	$(VALGRIND) tests/unit >/dev/null

fuzz/fuzz_record: fuzz/fuzz_record.c $(LIBSRCS) agentev.h
	$(FUZZ_CC) $(ALL_CPPFLAGS) $(WARNFLAGS) $(FUZZ_FLAGS) $(LDFLAGS) \
	    -o $@ fuzz/fuzz_record.c $(LIBSRCS) $(LDLIBS)

fuzz-corpus:
	python3 fuzz/mkcorpus.py fuzz/corpus

fuzz: fuzz/fuzz_record fuzz-corpus
	mkdir -p fuzz/artifacts
	fuzz/fuzz_record -max_total_time=$(FUZZ_TIME) \
	    -max_len=$(FUZZ_MAX_LEN) -timeout=10 -rss_limit_mb=2048 \
	    -close_fd_mask=3 -print_final_stats=1 \
	    -dict=fuzz/agentev.dict -artifact_prefix=fuzz/artifacts/ \
	    $(FUZZ_ARGS) fuzz/corpus

fuzz/fuzz_state: fuzz/fuzz_state.c $(LIBSRCS) agentev.h
	$(FUZZ_CC) $(ALL_CPPFLAGS) $(WARNFLAGS) $(FUZZ_FLAGS) $(LDFLAGS) \
	    -o $@ fuzz/fuzz_state.c $(LIBSRCS) $(LDLIBS)

fuzz-state: fuzz/fuzz_state agentev
	mkdir -p fuzz/artifacts
	sh fuzz/mkstate.sh fuzz/state-corpus
	fuzz/fuzz_state -max_total_time=$(FUZZ_TIME) -max_len=65536 \
	    -timeout=10 -rss_limit_mb=2048 -close_fd_mask=3 \
	    -print_final_stats=1 -dict=fuzz/agentev.dict \
	    -artifact_prefix=fuzz/artifacts/state- $(FUZZ_ARGS) \
	    fuzz/state-corpus

fuzz-clean:
	rm -rf fuzz/fuzz_record fuzz/fuzz_state fuzz/corpus fuzz/state-corpus \
	    fuzz/artifacts tests/asan

# check-kinesis: agentev against real `aws kinesis get-records` pages from a
# local Kinesis-compatible server (kinesalite, from npm into .cache/); needs
# the AWS CLI, node and npm, jq (.ci/kinesis-deps installs them on Debian).
.PHONY: check-kinesis
check-kinesis: agentev
	sh tests/kinesis.sh

# check-browser: -f svg pictures and the -f html wallboard rendered by
# headless Chromium (Debian's chromium package), checked on screen and in
# the DOM (tests/browser.sh).  readme-png: the same test, also writing the
# README's pictures.
.PHONY: check-browser readme-png
check-browser: agentev
	sh tests/browser.sh

readme-png: agentev
	mkdir -p doc
	sh tests/browser.sh -p doc

# The benchmark (not part of check): see bench/run.sh.
bench/parseonly: bench/parseonly.c
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -o $@ bench/parseonly.c $(LDLIBS)

bench: agentev bench/parseonly
	sh bench/run.sh

# Where the time goes, in instructions (needs valgrind and make bench's input).
profile: agentev bench/parseonly
	sh bench/profile.sh

# The Debian package.  deb: dpkg-buildpackage -us -uc -b (which runs make
# check on the way, with the package's hardening flags), its products moved
# from .. into dist/, the tree cleaned; needs dpkg-dev and debhelper.
# check-deb: that package linted, installed, run, purged (as root:
# tests/deb.sh; lintian too).
.PHONY: deb check-deb
deb:
	@command -v dpkg-buildpackage >/dev/null && command -v dh >/dev/null || \
	    { echo "make deb needs dpkg-buildpackage and dh:" \
	    "apt-get install dpkg-dev debhelper" >&2; exit 1; }
	rm -rf dist
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL dpkg-buildpackage -us -uc -b
	mkdir dist
	for f in $$(cut -d' ' -f1 debian/files) \
	    $$(sed -n 's/\.buildinfo .*/.changes/p' debian/files); do \
		mv "../$$f" dist/ || exit 1; \
	done
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL debian/rules clean
	@ls dist/*.deb

check-deb: deb
	sh tests/deb.sh dist
