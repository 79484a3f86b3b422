/* routes.h - the API's route table (README, "The API"). */
#ifndef CRUDDUR_ROUTES_H
#define CRUDDUR_ROUTES_H

#include <stddef.h>

#include "app/http/router.h"

extern const struct route routes[];
extern const size_t routes_count;

#endif
