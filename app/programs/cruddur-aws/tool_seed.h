/* tool_seed.h - cruddur-aws ddb seed: one conversation between two seed
 * users (TOOL_SEED_GROUP), written the way the app writes one. */
#ifndef CRUDDUR_TOOL_SEED_H
#define CRUDDUR_TOOL_SEED_H

#include "app/programs/cruddur-aws/tool.h"

int tool_ddb_seed(struct tool *t);

#endif
