/* serve.c - `crible serve`: options and config, then the supervisor (src/daemon/server.c). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../daemon/server.h"
#include "cli.h"

static void usage(FILE *f)
{
	fputs("usage: crible serve [options]\n"
	      "\n"
	      "The clamd protocol for mail servers and upload forms, ICAP for proxies: every\n"
	      "scan runs in a sandboxed worker; a block answers 'stream: Crible.Id.Name FOUND'\n"
	      "or, over ICAP, an HTTP 403 page.\n"
	      "\n"
	      "  --config FILE          settings, one 'key value' per line (docs/serve.md)\n"
	      "  --clamd HOST:PORT      listen for clamd clients (default 127.0.0.1:3310;\n"
	      "                         repeatable)\n"
	      "  --clamd-socket PATH    and on a unix socket (FILDES works there)\n"
	      "  --icap HOST:PORT       listen for ICAP clients (proxies: services crible_req,\n"
	      "                         crible_resp, crible; default 127.0.0.1:1344)\n"
	      "  --http HOST:PORT       the HTTP API: POST /v1/scan, /healthz, /readyz,\n"
	      "                         /metrics (default 127.0.0.1:8080)\n"
	      "  --policy FILE          severity overrides, as for crible scan\n"
	      "  --accept LIST          allowed types, as for crible scan\n"
	      "  --rules PATH           YARA rules (a .yar file or a directory of them),\n"
	      "                         matched in the workers; reread on SIGHUP\n"
	      "  --stream-max BYTES     INSTREAM size limit (100 MiB)\n"
	      "  --max-scans N          scans at once (2 per core)\n"
	      "  --warn-found           a warn verdict answers FOUND, not OK\n"
	      "  -h, --help             this help\n"
	      "\n"
	      "SIGHUP or RELOAD rereads the config; SIGTERM or SHUTDOWN drains and exits.\n",
	      f);
}

enum { O_CONFIG = 256, O_CLAMD, O_ICAP, O_HTTP, O_SOCKET, O_POLICY, O_ACCEPT, O_RULES, O_STREAMMAX, O_MAXSCANS, O_WARNFOUND };

int cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, O_CONFIG},
		{"clamd", required_argument, NULL, O_CLAMD},
		{"clamd-socket", required_argument, NULL, O_SOCKET},
		{"icap", required_argument, NULL, O_ICAP},
		{"http", required_argument, NULL, O_HTTP},
		{"policy", required_argument, NULL, O_POLICY},
		{"accept", required_argument, NULL, O_ACCEPT},
		{"rules", required_argument, NULL, O_RULES},
		{"stream-max", required_argument, NULL, O_STREAMMAX},
		{"max-scans", required_argument, NULL, O_MAXSCANS},
		{"warn-found", no_argument, NULL, O_WARNFOUND},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct serve_cfg cfg;
	serve_cfg_defaults(&cfg);
	int c, rc = EXIT_ERROR;
	uint64_t v;
	/* The config file first, then the options over it, whatever their order. */
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1)
		if (c == O_CONFIG) {
			cfg.config = optarg;
			if (serve_cfg_load(&cfg, optarg) != 0)
				goto out;
		}
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case O_CONFIG:
			break;
		case O_CLAMD:
			if (cfg.nclamd == SERVE_MAX_LISTEN || !(cfg.clamd[cfg.nclamd++] = strdup(optarg)))
				goto out;
			break;
		case O_ICAP:
			if (cfg.nicap == SERVE_MAX_LISTEN || !(cfg.icap[cfg.nicap++] = strdup(optarg)))
				goto out;
			break;
		case O_HTTP:
			if (cfg.nhttp == SERVE_MAX_LISTEN || !(cfg.http[cfg.nhttp++] = strdup(optarg)))
				goto out;
			break;
		case O_SOCKET:
			free(cfg.clamd_socket);
			cfg.clamd_socket = strdup(optarg);
			break;
		case O_POLICY:
			free(cfg.policy);
			cfg.policy = strdup(optarg);
			break;
		case O_ACCEPT:
			free(cfg.accept);
			cfg.accept = strdup(optarg);
			break;
		case O_RULES:
			free(cfg.rules);
			cfg.rules = strdup(optarg);
			break;
		case O_STREAMMAX:
		case O_MAXSCANS:
			if (parse_u64(optarg, &v) || v == 0 || (c == O_MAXSCANS && v > 4096)) {
				fprintf(stderr, "crible serve: %s: want a positive number, got '%s'\n", argv[optind - 1], optarg);
				goto out;
			}
			if (c == O_STREAMMAX)
				cfg.stream_max = v;
			else
				cfg.max_scans = (unsigned)v;
			break;
		case O_WARNFOUND:
			cfg.warn_found = true;
			break;
		case 'h':
			usage(stdout);
			rc = EXIT_CLEAN;
			goto out;
		default:
			usage(stderr);
			goto out;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "crible serve: unexpected argument '%s'\n", argv[optind]);
		goto out;
	}
	/* Nothing named: every face on its usual port. */
	if (!cfg.nclamd && !cfg.clamd_socket && !cfg.nicap && !cfg.nhttp) {
		if (!(cfg.clamd[0] = strdup("127.0.0.1:3310")) || !(cfg.icap[0] = strdup("127.0.0.1:1344")) ||
		    !(cfg.http[0] = strdup("127.0.0.1:8080")))
			goto out;
		cfg.nclamd = cfg.nicap = cfg.nhttp = 1;
	}
	rc = serve_run(&cfg);
out:
	serve_cfg_free(&cfg);
	return rc;
}
