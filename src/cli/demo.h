/* SPDX-License-Identifier: GPL-2.0 */
#ifndef NSTEER_DEMO_H
#define NSTEER_DEMO_H

int demo_run(void); /* an exit status */

#endif
