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
LDLIBS = $(JANSSON_LIBS)

OBJS = agentev.o $(LIBOBJS)
LIBOBJS = parse.o frame.o acw.o events.o summary.o bucket.o output.o

all: agentev

agentev: $(OBJS)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(OBJS) $(LDLIBS)

.c.o:
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c $<

$(OBJS): agentev.h

.PHONY: all run check deps install uninstall clean

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
	rm -f agentev $(OBJS) tests/*.o tests/unit
