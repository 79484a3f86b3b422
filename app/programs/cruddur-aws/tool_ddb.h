/* tool_ddb.h - cruddur-aws ddb: the messages table and its patterns. */
#ifndef CRUDDUR_TOOL_DDB_H
#define CRUDDUR_TOOL_DDB_H

#include "app/programs/cruddur-aws/tool.h"

int tool_ddb(struct tool *t, int argc, char **argv);

#endif
