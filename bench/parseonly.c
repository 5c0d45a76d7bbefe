/*
 * parseonly.c: the benchmark's baseline: read NDJSON (the file named, or
 * standard input), json_loadb each line, free it.  Nothing else; this is
 * the floor agentev is measured against.
 *
 * Copyright (c) 2026 The agentev authors; ISC licence, see LICENSE.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

int
main(int argc, char **argv)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned long ok = 0, bad = 0;
	json_error_t error;
	json_t *j;

	if (argc > 1 && freopen(argv[1], "r", stdin) == NULL) {
		perror(argv[1]);
		return 1;
	}
	while ((n = getline(&line, &cap, stdin)) != -1) {
		if ((j = json_loadb(line, (size_t)n, 0, &error)) == NULL) {
			bad++;
			continue;
		}
		ok++;
		json_decref(j);
	}
	free(line);
	printf("%lu parsed, %lu failed\n", ok, bad);
	return 0;
}
