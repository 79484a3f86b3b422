# Cruddur API in C.
#
#   make               build the worker, the tools and the unit tests
#   make run           install what is missing, build, start the local stack
#   make test          the same set-up, every test, then a clean stop
#   make SANITIZE=1    build with AddressSanitizer + UndefinedBehaviorSanitizer
#   make CC=clang      build with clang
#   make lambda        a zip per AWS Lambda function (scripts/lambda-package)
#   make fuzz          every libFuzzer harness for FUZZ_SECONDS (60) each
#   make image         the container image (podman; etc/container/Containerfile)
#   make test-image    build it and test it against a test stack of its own
#
# Every .c under app/, services/ and aws/ (any depth) goes into one static
# library, except files named main_NAME.c: each of those becomes the program
# build/NAME. Each tests/unit/test_NAME.c becomes build/test_NAME, linked
# with the tests' shared fixtures (the other .c files in tests/unit/).

CC       ?= cc
BUILD    ?= build
PKGS     := libjwt jansson libcurl libpq openssl cmocka

# Goals that build nothing here: `run`, `test` and `bench` install first,
# then build in a fresh make that reads pkg-config after the install.
NOBUILD_GOALS := run test bench install clean
BUILD_GOALS   := $(filter-out $(NOBUILD_GOALS),$(or $(MAKECMDGOALS),all))
ifneq ($(BUILD_GOALS),)
HASH := \#
ifeq ($(shell pkg-config --exists $(PKGS) 2>/dev/null && \
        echo '$(HASH)include <fcgiapp.h>' | $(CC) -E -x c - >/dev/null 2>&1 && echo ok),)
$(error the build's libraries are not installed: run scripts/install (or make run / make test, which install first))
endif
PKG_CFLAGS := $(shell pkg-config --cflags $(filter-out cmocka,$(PKGS)))
PKG_LIBS   := $(shell pkg-config --libs $(filter-out cmocka,$(PKGS)))
endif
CFLAGS   ?= -O2 -g
CFLAGS   += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow \
            -Wstrict-prototypes -Wmissing-prototypes -I. -I$(BUILD)/gen \
            $(PKG_CFLAGS)
LDLIBS   += $(PKG_LIBS) -lfcgi -pthread

# `make V=1` shows the full commands.
ifeq ($(V),1)
Q :=
else
Q := @
endif

ifeq ($(SANITIZE),1)
BUILD    := build-san
CFLAGS   += -fsanitize=address,undefined -fno-omit-frame-pointer \
            -fno-sanitize-recover=undefined
LDFLAGS  += -fsanitize=address,undefined
endif

# The libFuzzer harnesses (tests/fuzz/fuzz_NAME.c -> build-fuzz/fuzz_NAME)
# need clang; the library is built with coverage hooks but no main.
ifeq ($(FUZZ),1)
BUILD    := build-fuzz
CC       := clang
CFLAGS   += -fsanitize=fuzzer-no-link,address,undefined \
            -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS  += -fsanitize=fuzzer,address,undefined
endif
FUZZ_SECONDS ?= 60

# $(call rwildcard,DIR,PATTERN): the files matching PATTERN under DIR.
rwildcard = $(foreach d,$(wildcard $(1:=/*)),$(call rwildcard,$d,$2) $(filter $(subst *,%,$2),$d))
ALL_SRC  := $(sort $(call rwildcard,app services aws,*.c))
MAIN_SRC := $(filter %.c,$(foreach f,$(ALL_SRC),$(if $(filter main_%,$(notdir $(f))),$(f))))
LIB_SRC  := $(filter-out $(MAIN_SRC),$(ALL_SRC))
SQL_SRC  := $(wildcard sql/queries/*.sql)
GEN      := $(BUILD)/gen
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/db_queries.o
LIB      := $(BUILD)/libcruddur.a
PROGS    := $(foreach f,$(MAIN_SRC),$(BUILD)/$(patsubst main_%.c,%,$(notdir $(f))))
TEST_SRC := $(wildcard tests/unit/test_*.c)
TESTS    := $(TEST_SRC:tests/unit/%.c=$(BUILD)/%)
FIX_SRC  := $(filter-out $(TEST_SRC),$(wildcard tests/unit/*.c))
FIX_OBJ  := $(FIX_SRC:%.c=$(BUILD)/obj/%.o)
FIX_LIB  := $(BUILD)/libcruddur-test.a
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZERS  := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/%)

.PHONY: all run test unit e2e install clean lambda bench fuzz fuzzers image test-image
# With FUZZ=1 the programs would meet libFuzzer's own main: build harnesses.
ifeq ($(FUZZ),1)
all: fuzzers
else
all: $(PROGS) $(TESTS)
endif

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC    $<"
	$(Q)$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

# Every query in sql/queries/ becomes a C string and an enum constant.
$(GEN)/db_queries.c $(GEN)/db_queries.h &: $(SQL_SRC) scripts/gen-queries
	@echo "  GEN   $(GEN)/db_queries.c"
	$(Q)scripts/gen-queries $(GEN) $(SQL_SRC)

$(BUILD)/obj/gen/db_queries.o: $(GEN)/db_queries.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<

$(LIB_OBJ) $(MAIN_SRC:%.c=$(BUILD)/obj/%.o) $(TEST_SRC:%.c=$(BUILD)/obj/%.o) \
$(FIX_OBJ) $(FUZZ_SRC:%.c=$(BUILD)/obj/%.o): | $(GEN)/db_queries.h

$(LIB): $(LIB_OBJ)
	@rm -f $@
	@echo "  AR    $@"
	$(Q)ar rcs $@ $^

define prog_rule
$(BUILD)/$(patsubst main_%.c,%,$(notdir $(1))): $(BUILD)/obj/$(1:.c=.o) $(LIB)
	@echo "  LD    $$@"
	$$(Q)$$(CC) $$(LDFLAGS) -o $$@ $$^ $$(LDLIBS)
endef
$(foreach f,$(MAIN_SRC),$(eval $(call prog_rule,$(f))))

# A test takes from the fixtures' archive only the files it uses.
$(FIX_LIB): $(FIX_OBJ)
	@rm -f $@
	@echo "  AR    $@"
	$(Q)ar rcs $@ $^

$(BUILD)/test_%: $(BUILD)/obj/tests/unit/test_%.o $(FIX_LIB) $(LIB)
	@echo "  LD    $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

$(BUILD)/fuzz_%: $(BUILD)/obj/tests/fuzz/fuzz_%.o $(LIB)
	@echo "  LD    $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# `make fuzzers FUZZ=1` only builds them; scripts/fuzz builds and runs.
fuzzers: $(FUZZERS)

fuzz:
	FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz

install:
	scripts/install

# A new make after the install: this one read pkg-config before it ran.
BUILD_AFTER_INSTALL = $(MAKE) --no-print-directory all

run: install
	$(BUILD_AFTER_INSTALL)
	scripts/dev/run

test: install
	$(BUILD_AFTER_INSTALL)
	scripts/test $(if $(filter 1,$(SANITIZE)),--sanitize)

# Some unit tests run the programs (bootstrap, cruddur-aws, ...): built too.
unit: $(PROGS) $(TESTS)
	scripts/test --unit-only $(if $(filter 1,$(SANITIZE)),--sanitize)

lambda: all
	scripts/lambda-package $(BUILD)

bench: install
	$(BUILD_AFTER_INSTALL)
	scripts/bench

image:
	scripts/install image
	scripts/image build

test-image: install all
	scripts/install image
	scripts/image test

clean:
	rm -rf build build-san build-fuzz

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
