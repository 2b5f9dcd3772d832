// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include "commands.h"
#include "log.h"
int demo_run(void) { pr_warn("demo: not yet\n"); return EXIT_FAILURE; }
