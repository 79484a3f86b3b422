/* tool_db.h - cruddur-aws db: update-cognito-user-ids. */
#ifndef CRUDDUR_TOOL_DB_H
#define CRUDDUR_TOOL_DB_H

#include "app/programs/cruddur-aws/tool.h"

int tool_db(struct tool *t, int argc, char **argv);

#endif
